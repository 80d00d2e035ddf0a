package io.queen;

import io.queen.db.EmbeddedDatabase;
import io.queen.soak.PgProxy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL behind a network that goes silent: no reset, no refusal, the connections stay
 * open and nothing arrives (the soak's "PostgreSQL unreachable" fault). A push must still be
 * answered, from the file buffer, once QUEEN_PUSH_DB_TIMEOUT_MS has passed, and after the
 * network heals every message must be stored once, in the order it was accepted, even though
 * the abandoned database call may commit late. /health meanwhile answers 503 instead of hanging.
 */
class NetworkPartitionTest {

    @Test
    void aPushOnASilentDatabaseIsBufferedAfterTheDeadlineAndOrderSurvivesTheLateCommit() throws Exception {
        Path dir = TestDirs.temp("queen-partition");
        int pgPort = TestServer.freePort();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, pgPort);
        ScheduledExecutorService healer = Executors.newSingleThreadScheduledExecutor();
        TestServer server = null;
        try (PgProxy proxy = new PgProxy(pgPort)) {
            server = TestServer.start(dir, TestServer.onDatabase(proxy.port(), "QUEEN_PUSH_DB_TIMEOUT_MS", "1500",
                    "DB_CONNECTION_TIMEOUT", "1000"));
            Http http = server.http;
            QueueClient client = new QueueClient(http);
            String q = QueueClient.uniqueQueue();
            client.push(q, "p", "before", new JsonObject().put("n", 0));

            proxy.stall();
            // without the deadline the push hangs until the network heals: heal well after it
            healer.schedule(proxy::heal, 8, TimeUnit.SECONDS);
            long t = System.nanoTime();
            Http.Response during = http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q
                    + "\",\"partition\":\"p\",\"payload\":1,\"transactionId\":\"during\"}]}");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            assertEquals(201, during.status(), during.body());
            assertEquals("buffered", during.array().getJsonObject(0).getString("status"), during.body());
            assertTrue(took < 5000, "the push was answered after " + took + " ms, not at the 1.5 s deadline");

            Http.Response after = http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q
                    + "\",\"partition\":\"p\",\"payload\":2,\"transactionId\":\"after\"}]}");
            assertEquals("buffered", after.array().getJsonObject(0).getString("status"), after.body());

            // a supervisor asking meanwhile learns that the database is gone, in time
            t = System.nanoTime();
            Http.Response health = http.get("/health");
            took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            assertEquals(503, health.status(), health.body());
            assertTrue(took < 5000, "/health answered after " + took + " ms (deadline: connect timeout + 3 s)");

            // the network heals; the abandoned call and the buffer's replay race to store "during"
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long buffered;
            do {
                Thread.sleep(200);
                Http.Response m = http.get("/api/v1/system/maintenance");
                buffered = m.status() == 200 ? m.json().getLong("bufferedMessages") : -1;
            } while (buffered != 0 && System.nanoTime() < deadline);
            assertEquals(0, buffered, "the buffer drained after the network healed");
            Http.Response popped = http.get("/api/v1/pop/queue/" + q + "/partition/p?batch=10");
            assertEquals(200, popped.status(), popped.body());
            assertEquals(List.of("before", "during", "after"), QueueClient.transactionIds(popped));
        } finally {
            healer.shutdownNow();
            TestServer.stop(server, db);
        }
    }
}
