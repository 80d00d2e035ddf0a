package io.queen;

import io.queen.db.EmbeddedDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The database goes away under a running server and comes back; pushes meanwhile are buffered. */
class DatabaseOutageTest {

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void assertUnavailable(Http.Response r, long tookMillis, String what) {
        assertEquals(503, r.status(), what + " -> " + r);
        assertInstanceOf(String.class, r.json().getValue("error"), what + " -> " + r);
        assertTrue(tookMillis < 5000, what + " took " + tookMillis + " ms");
    }

    @Test
    void requestsFailFastWith503WhileTheDatabaseIsDownAndRecoverAfterwards() throws Exception {
        Path dir = TestDirs.temp("queen-outage");
        int pgPort = TestServer.freePort();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, pgPort);
        TestServer server = null;
        try {
            server = TestServer.start(dir, TestServer.onDatabase(pgPort, "DB_CONNECTION_TIMEOUT", "1000"));
            Http http = server.http;
            QueueClient client = new QueueClient(http);
            String q = QueueClient.uniqueQueue();
            client.push(q, null, "before-outage", new JsonObject().put("kept", true));
            assertEquals(200, http.get("/health").status());

            db.close();
            db = null;

            // pushes fail over to the file buffer instead (spec 1.19)
            long t = System.nanoTime();
            Http.Response push = http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q
                    + "\",\"payload\":1,\"transactionId\":\"during-outage\"}]}");
            assertEquals(201, push.status(), push.body());
            assertEquals("buffered", push.array().getJsonObject(0).getString("status"), push.body());
            assertTrue(millisSince(t) < 5000, "push took " + millisSince(t) + " ms");

            t = System.nanoTime();
            Http.Response pop = http.get("/api/v1/pop/queue/" + q);
            assertUnavailable(pop, millisSince(t), "pop");

            t = System.nanoTime();
            Http.Response configure = http.post("/api/v1/configure", new JsonObject().put("queue", q));
            assertUnavailable(configure, millisSince(t), "configure");

            t = System.nanoTime();
            Http.Response health = http.get("/health");
            assertEquals(503, health.status(), health.body());
            assertTrue(millisSince(t) < 5000, "health took " + millisSince(t) + " ms");
            assertEquals("unhealthy", health.json().getString("status"));
            assertEquals("disconnected", health.json().getString("database"));

            db = EmbeddedDatabase.start(dir, pgPort);
            long deadline = System.nanoTime() + 15_000_000_000L;
            Http.Response recovered;
            do {
                Thread.sleep(250);
                recovered = http.get("/health");
            } while (recovered.status() != 200 && System.nanoTime() < deadline);
            assertEquals(200, recovered.status(), "health after the database came back: " + recovered);

            // the buffered push is replayed within a drain tick of the database's return
            long buffered;
            do {
                Thread.sleep(100);
                buffered = http.get("/api/v1/system/maintenance").json().getLong("bufferedMessages");
            } while (buffered > 0 && System.nanoTime() < deadline);
            assertEquals(0, buffered, "the buffer drained after the database came back");
            Http.Response popped = http.get("/api/v1/pop/queue/" + q + "?batch=10");
            assertEquals(200, popped.status(), popped.body());
            assertEquals(List.of("before-outage", "during-outage"), QueueClient.transactionIds(popped));
            assertEquals(new JsonObject().put("kept", true),
                    popped.json().getJsonArray("messages").getJsonObject(0).getJsonObject("data"));

            client.push(q, null, "after-outage", 2);
            Http.Response configured = http.post("/api/v1/configure", new JsonObject().put("queue", q));
            assertEquals(200, configured.status(), configured.body());
        } finally {
            if (server != null) {
                server.stop();
            }
            if (db != null) {
                db.close();
            }
        }
    }
}
