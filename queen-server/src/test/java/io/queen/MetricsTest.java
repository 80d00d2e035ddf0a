package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics and /metrics/prometheus count what the server did (a private server: exact counts). */
class MetricsTest {

    private static double sample(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " missing in:\n" + text));
    }

    @Test
    void countersFollowTraffic() throws Exception {
        TestServer server = TestServer.start(TestDirs.temp("queen-metrics"), Map.of());
        try {
            Http http = server.http;
            JsonArray items = new JsonArray();
            for (int i = 0; i < 3; i++) {
                items.add(new JsonObject().put("queue", "m").put("payload", i));
            }
            assertEquals(201, http.post("/api/v1/push", new JsonObject().put("items", items)).status());
            Http.Response popped = http.get("/api/v1/pop/queue/m?batch=10");
            assertEquals(200, popped.status());
            JsonObject first = popped.json().getJsonArray("messages").getJsonObject(0);
            http.post("/api/v1/ack", new JsonObject().put("transactionId", first.getString("transactionId"))
                    .put("partitionId", first.getString("partitionId")));
            http.post("/api/v1/ack", new JsonObject().put("transactionId", "nope")
                    .put("partitionId", first.getString("partitionId")));
            assertEquals(204, http.get("/api/v1/pop/queue/other").status());

            Http.Response prom = http.get("/metrics/prometheus");
            assertEquals(200, prom.status());
            String text = prom.body();
            assertEquals(1.0, sample(text, "queen_push_requests_total"));
            assertEquals(3.0, sample(text, "queen_push_messages_total"));
            assertEquals(2.0, sample(text, "queen_pop_requests_total"));
            assertEquals(3.0, sample(text, "queen_pop_messages_total"));
            assertEquals(1.0, sample(text, "queen_pop_empty_total"));
            assertEquals(2.0, sample(text, "queen_ack_requests_total"));
            assertEquals(1.0, sample(text, "queen_ack_total{result=\"success\"}"));
            assertEquals(1.0, sample(text, "queen_ack_total{result=\"failed\"}"));
            assertEquals(0.0, sample(text, "queen_long_polls_parked"));
            assertTrue(sample(text, "queen_process_resident_memory_bytes") > 10_000_000, text);
            assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics are exported");

            JsonObject summary = http.get("/metrics").json();
            assertEquals(5, summary.getJsonObject("requests").getLong("total"));
            assertEquals(6, summary.getJsonObject("messages").getLong("total"));
            assertTrue(summary.getJsonObject("memory").getLong("rss") > 10_000_000);
            assertTrue(summary.getJsonObject("memory").getLong("heapUsed") > 0);
            assertTrue(summary.getJsonObject("database").getInteger("poolSize") > 0);
        } finally {
            server.stop();
        }
    }
}
