package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FIFO per partition through the file buffer: after push maintenance ends, a push to a partition
 * that still has buffered pushes goes behind them, while other partitions go straight to the
 * database. (The buffer drains every 3 s here, so the pushes right after the switch land while
 * the earlier ones are still buffered.)
 */
class BufferOrderTest {
    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestDirs.temp("queen-buffer-order"), Map.of("FILE_BUFFER_FLUSH_MS", "3000"));
        http = server.http;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String push(String queue, String partition, int seq) {
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray().add(new JsonObject()
                .put("queue", queue).put("partition", partition).put("payload", new JsonObject().put("seq", seq)))));
        assertEquals(201, r.status(), r.body());
        return r.array().getJsonObject(0).getString("status");
    }

    private static void maintenance(boolean on) {
        assertEquals(200, http.post("/api/v1/system/maintenance", new JsonObject().put("enabled", on)).status());
    }

    @Test
    void pushesAfterAnOutageQueueBehindTheBufferedOnesOfTheirPartition() {
        String q = "order-" + UUID.randomUUID().toString().substring(0, 8);
        maintenance(true);
        try {
            for (int seq = 0; seq < 5; seq++) {
                assertEquals("buffered", push(q, "held", seq));
            }
        } finally {
            maintenance(false);
        }
        // still buffered: the same partition goes behind them, another partition does not wait
        assertEquals("buffered", push(q, "held", 5));
        assertEquals("queued", push(q, "free", 0));
        // a transaction cannot wait in the buffer: told to retry rather than overtake
        JsonObject txn = new JsonObject().put("operations", new JsonArray().add(new JsonObject().put("type", "push")
                .put("items", new JsonArray().add(new JsonObject().put("queue", q).put("partition", "held")
                        .put("payload", new JsonObject().put("seq", 99))))));
        Http.Response refused = http.post("/api/v1/transaction", txn);
        assertEquals(503, refused.status(), refused.body());

        List<Integer> order = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (order.size() < 6 && System.currentTimeMillis() < deadline) {
            Http.Response r = http.get("/api/v1/pop/queue/" + q + "/partition/held?batch=10&autoAck=true&wait=true&timeout=1000");
            if (r.status() == 200) {
                for (Object m : r.json().getJsonArray("messages")) {
                    order.add(((JsonObject) m).getJsonObject("data").getInteger("seq"));
                }
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
        // once drained, the partition is direct again
        assertEquals("queued", push(q, "held", 6));
    }
}
