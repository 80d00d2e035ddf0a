package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DB_LOCK_TIMEOUT holds for the server's statements: a push stuck behind a lock fails fast with a 503 to retry. */
class DbSettingsTest {
    private static ServerOnOwnDatabase own;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-dbsettings", "DB_LOCK_TIMEOUT", "500");
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

    @Test
    void aPushWaitingForALockGivesUpAtTheLockTimeout() throws Exception {
        String q = "locks-" + System.nanoTime();
        assertEquals(201, push(q).status());
        try (Connection c = own.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SELECT 1 FROM queen.partitions p JOIN queen.queues q ON q.id = p.queue_id "
                    + "WHERE q.name = '" + q + "' AND p.name = 'locked' FOR UPDATE");
            long start = System.nanoTime();
            Http.Response r = push(q);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, r.status(), r.body());
            assertTrue(r.json().getString("error").contains("busy"), r.body());
            assertTrue(ms < 5000, "gave up after " + ms + " ms (lock timeout 500 ms)");
            c.rollback();
        }
        assertEquals(201, push(q).status());
    }
}
