package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GET /api/v1/status fed by the real writers, no fixtures: the workers' metric flushes, the
 * system metrics collector and the stats job, all on short intervals.
 */
class StatusEndToEndTest {
    private static ServerOnOwnDatabase own;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-status-e2e", "QUEEN_METRICS_FLUSH_MS", "200",
                "METRICS_AGGREGATE_INTERVAL_S", "1", "STATS_INTERVAL_MS", "500");
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void trafficShowsUpInTheDashboardOverview() throws Exception {
        Http http = own.server.http;
        QueueClient client = new QueueClient(http);
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("s1", "s2", "s3"));
        client.pushMany(q, "p", List.of("s4", "s5", "s6"));
        assertEquals(List.of("s1", "s2", "s3", "s4"), client.popTransactionIds(q, null, 4, true));

        TestSql.awaitValue(6, () -> sum(http, "ingested"));
        TestSql.awaitValue(4, () -> sum(http, "popMessages"));
        TestSql.awaitValue(4, () -> sum(http, "processed"));
        // the stats job picks up the pushes and then the consumption, a cycle or two apart
        TestSql.awaitValue(4, () -> messages(http).getLong("completed"));

        JsonObject status = http.get("/api/v1/status").json();
        JsonObject messages = status.getJsonObject("messages");
        assertEquals(6L, messages.getLong("total"), messages.encode());
        assertEquals(2L, messages.getLong("pending"), messages.encode());
        assertEquals(2L, messages.getJsonObject("requests").getLong("push"), messages.encode());
        assertEquals(1L, messages.getJsonObject("requests").getLong("pop"), messages.encode());
        assertEquals(2, status.getJsonArray("workers").size(), "both workers report: " + status.getJsonArray("workers"));
        // the collector's figures reach the series once it has written its first aggregate
        TestSql.awaitValue(1, () -> pointsWithRss(http));
    }

    private static long pointsWithRss(Http http) {
        long n = 0;
        for (Object point : http.get("/api/v1/status").json().getJsonArray("throughput")) {
            Object rss = ((JsonObject) point).getValue("queenRssMb");
            n += rss instanceof Number && ((Number) rss).doubleValue() > 10 ? 1 : 0;
        }
        return Math.min(n, 1);
    }

    private static JsonObject messages(Http http) {
        return http.get("/api/v1/status").json().getJsonObject("messages");
    }

    /** A throughput figure summed over the window's buckets. */
    private static long sum(Http http, String field) {
        JsonArray points = http.get("/api/v1/status").json().getJsonArray("throughput");
        long total = 0;
        for (Object point : points) {
            total += ((JsonObject) point).getLong(field);
        }
        return total;
    }
}
