package io.queen;

import io.queen.db.EmbeddedDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worker counts reach the database whatever happens: while it is down, /metrics/prometheus
 * still answers the live families and the workers keep the counts they could not flush,
 * which arrive once it is back; at a clean shutdown the workers flush what they have.
 */
class MetricsFlushTest {

    @Test
    void countsSurviveAnOutageAndTheLiveFamiliesAnswerDuringIt() throws Exception {
        Path dir = TestDirs.temp("queen-metrics-outage");
        int pgPort = TestServer.freePort();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, pgPort);
        TestServer server = null;
        try {
            server = TestServer.start(dir, TestServer.onDatabase(pgPort, "DB_CONNECTION_TIMEOUT", "1000",
                    "QUEEN_METRICS_FLUSH_MS", "200"));
            Http http = server.http;
            String q = QueueClient.uniqueQueue();
            db.close();
            db = null;

            // the push fails over to the file buffer (one failed database call), the pop fails
            Http.Response push = http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q + "\",\"payload\":1},"
                    + "{\"queue\":\"" + q + "\",\"payload\":2}]}");
            assertEquals(201, push.status(), push.body());
            assertEquals(503, http.get("/api/v1/pop/queue/" + q).status());
            Thread.sleep(1500); // several failed flushes

            Http.Response scrape = http.get("/metrics/prometheus");
            assertEquals(200, scrape.status());
            assertTrue(scrape.body().contains("\nqueen_process_virtual_memory_bytes "), scrape.body());
            assertTrue(scrape.body().contains("\nqueen_file_buffer_pending "), scrape.body());
            assertFalse(scrape.body().contains("queen_cluster_push_requests_total"), "no database, no cluster figures");

            db = EmbeddedDatabase.start(dir, pgPort);
            Map<String, Double> expected = Map.of(
                    "queen_cluster_push_requests_total{scope=\"cluster\"}", 1.0,
                    "queen_cluster_push_messages_total{scope=\"cluster\"}", 2.0,
                    "queen_cluster_db_errors_total{scope=\"cluster\"}", 2.0);
            long deadline = System.currentTimeMillis() + 20_000;
            Map<String, Double> actual = Map.of();
            while (System.currentTimeMillis() < deadline) {
                String text = http.get("/metrics/prometheus").body();
                actual = new java.util.HashMap<>();
                for (String series : expected.keySet()) {
                    for (String line : text.split("\n")) {
                        if (line.startsWith(series + " ")) {
                            actual.put(series, Double.parseDouble(line.substring(series.length() + 1)));
                        }
                    }
                }
                if (actual.equals(expected)) {
                    break;
                }
                Thread.sleep(250);
            }
            assertEquals(expected, actual);
        } finally {
            if (server != null) {
                server.stop();
            }
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    void aCleanShutdownFlushesWhatTheWorkersCounted() throws Exception {
        Path dir = TestDirs.temp("queen-metrics-shutdown");
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        try {
            // no periodic flush during the test: only a minute change or the shutdown writes
            TestServer server = TestServer.start(dir, TestServer.onDatabase(db.port(), "QUEEN_METRICS_FLUSH_MS", "60000"));
            try {
                new QueueClient(server.http).pushMany(QueueClient.uniqueQueue(), "p", java.util.List.of("a", "b", "c"));
            } finally {
                server.stop();
            }
            assertEquals(3, new TestSql(db.port()).count(
                    "SELECT coalesce(sum(push_message_count), 0) FROM queen.worker_metrics"));
        } finally {
            db.close();
        }
    }
}
