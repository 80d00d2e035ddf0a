package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Database settings that shape how long a request may wait: DB_LOCK_TIMEOUT (a push stuck
 * behind a lock fails fast with a 503 to retry) and QUEEN_DB_ACQUIRE_TIMEOUT_MS (a request that
 * finds every pooled connection busy waits that long for one). One worker with one hot-path
 * connection makes both easy to provoke.
 */
class DbSettingsTest {
    private static ServerOnOwnDatabase own;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-dbsettings", "DB_LOCK_TIMEOUT", "2000", "QUEEN_THREADS", "1",
                "SIDECAR_POOL_SIZE", "1", "QUEEN_DB_ACQUIRE_TIMEOUT_MS", "200", "DB_CONNECTION_TIMEOUT", "500");
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    private static Http.Response push(String queue) {
        return own.server.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", queue).put("partition", "locked").put("payload", new JsonObject()))));
    }

    /** Holds the lock a push to the queue's partition "locked" needs, until c rolls back. */
    private static void lockPartition(Connection c, Statement s, String queue) throws Exception {
        c.setAutoCommit(false);
        s.execute("SELECT 1 FROM queen.partitions p JOIN queen.queues q ON q.id = p.queue_id "
                + "WHERE q.name = '" + queue + "' AND p.name = 'locked' FOR UPDATE");
    }

    @Test
    void aPushWaitingForALockGivesUpAtTheLockTimeout() throws Exception {
        String q = "locks-" + System.nanoTime();
        assertEquals(201, push(q).status());
        try (Connection c = own.connect(); Statement s = c.createStatement()) {
            lockPartition(c, s, q);
            long start = System.nanoTime();
            Http.Response r = push(q);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, r.status(), r.body());
            assertTrue(r.json().getString("error").contains("busy"), r.body());
            assertTrue(ms < 8000, "gave up after " + ms + " ms (lock timeout 2000 ms)");
            c.rollback();
        }
        assertEquals(201, push(q).status());
    }

    @Test
    void aRequestFindingEveryConnectionBusyWaitsTheAcquireTimeout() throws Exception {
        String q = "acquire-" + System.nanoTime();
        assertEquals(201, push(q).status());
        try (Connection c = own.connect(); Statement s = c.createStatement()) {
            lockPartition(c, s, q);
            // this push holds the only hot-path connection while it waits for the lock (2 s)
            CompletableFuture<Http.Response> blocked = CompletableFuture.supplyAsync(() -> push(q));
            Thread.sleep(300);
            long start = System.nanoTime();
            Http.Response pop = own.server.http.get("/api/v1/pop/queue/" + q + "-other?batch=1");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, pop.status(), pop.body());
            // the default would have waited for the lock (2 s): 200 ms + at most 500 ms to connect
            assertTrue(ms < 1800, "waited " + ms + " ms for a connection (acquire timeout 200 ms, lock 2000 ms)");
            c.rollback();
            blocked.get(10, TimeUnit.SECONDS);
        }
        assertEquals(201, push(q).status());
    }
}
