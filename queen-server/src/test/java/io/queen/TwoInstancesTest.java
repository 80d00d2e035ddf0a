package io.queen;

import io.queen.db.EmbeddedDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two servers on one database: a push accepted by one wakes a long-poll parked on the other. */
class TwoInstancesTest {
    private static EmbeddedDatabase db;
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestDirs.temp("queen-two");
        db = EmbeddedDatabase.start(dir, 0);
        Map<String, String> shared = TestServer.onDatabase(db.port(),
                // a slow re-check timer: only the notification can explain a fast wake-up
                "POP_WAIT_MAX_INTERVAL_MS", "10000");
        a = TestServer.start(dir, shared);
        b = TestServer.start(dir, shared);
    }

    @AfterAll
    static void stop() throws Exception {
        a.stop();
        b.stop();
        db.close();
    }

    @Test
    void pushOnOneServerWakesALongPollOnTheOther() throws Exception {
        for (int round = 0; round < 5; round++) {
            String q = "two-" + UUID.randomUUID();
            CompletableFuture<long[]> parked = CompletableFuture.supplyAsync(() -> {
                Http.Response r = b.http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=8000");
                return new long[]{System.nanoTime(), r.status()};
            });
            Thread.sleep(400); // let the pop park on server B
            Http.Response pushed = a.http.post("/api/v1/push", new JsonObject().put("items",
                    new io.vertx.core.json.JsonArray().add(new JsonObject().put("queue", q).put("payload", round))));
            long pushedAt = System.nanoTime();
            assertEquals(201, pushed.status(), pushed.body());
            long[] popped = parked.get(10, TimeUnit.SECONDS);
            assertEquals(200, popped[1], "the parked pop on B must get the message");
            long wakeMs = (popped[0] - pushedAt) / 1_000_000;
            assertTrue(wakeMs < 150, "B woke " + wakeMs + " ms after A's push (round " + round + ")");
        }
    }

    @Test
    void internalNotifyWakesParkedPopsForMessagesThatCameWithoutAWakeUp() throws Exception {
        // a third server that tells nobody about its pushes
        Map<String, String> silent = TestServer.onDatabase(db.port(), "QUEEN_PEER_NOTIFY", "false");
        TestServer c = TestServer.start(TestDirs.temp("queen-silent"), silent);
        try {
            String q = "two-notify-" + UUID.randomUUID();
            CompletableFuture<long[]> parked = CompletableFuture.supplyAsync(() -> {
                Http.Response r = b.http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=8000");
                return new long[]{System.nanoTime(), r.status()};
            });
            Thread.sleep(400);
            Http.Response pushed = c.http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q + "\",\"payload\":1}]}");
            assertEquals(201, pushed.status(), pushed.body());
            Thread.sleep(500);
            assertTrue(!parked.isDone(), "without a wake-up the pop waits for its 10 s re-check");

            Http.Response notified = a.http.post("/internal/api/notify", "{\"queue\":\"" + q + "\",\"partition\":\"Default\"}");
            long notifiedAt = System.nanoTime();
            assertEquals(200, notified.status(), notified.body());
            assertEquals("ok", notified.json().getString("status"));
            long[] popped = parked.get(10, TimeUnit.SECONDS);
            assertEquals(200, popped[1]);
            long wakeMs = (popped[0] - notifiedAt) / 1_000_000;
            assertTrue(wakeMs < 150, "B woke " + wakeMs + " ms after the notify sent to A");

            Http.Response missing = a.http.post("/internal/api/notify", "{\"partition\":\"x\"}");
            assertEquals(400, missing.status(), missing.body());
            assertEquals("queue is required", missing.json().getString("error"));
            assertEquals("postgres-notify", a.http.get("/api/v1/system/shared-state").json().getString("peerWakeUps"));
            assertEquals("off", c.http.get("/internal/api/shared-state/stats").json().getString("peerWakeUps"));
        } finally {
            c.stop();
        }
    }

    @Test
    void maintenanceSwitchedOnOneServerAppliesToTheOther() throws Exception {
        String q = "two-maint-" + UUID.randomUUID();
        Http.Response pushed = a.http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q + "\",\"payload\":1}]}");
        assertEquals(201, pushed.status(), pushed.body());
        try {
            assertEquals(200, a.http.post("/api/v1/system/maintenance/pop", "{\"enabled\":true}").status());
            assertEquals(200, a.http.post("/api/v1/system/maintenance", "{\"enabled\":true}").status());
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean followed = false;
            while (!followed && System.nanoTime() < deadline) {
                followed = b.http.get("/api/v1/system/maintenance/pop").json().getBoolean("popMaintenanceMode");
                Thread.sleep(20);
            }
            assertTrue(followed, "B follows A's pop maintenance switch");
            assertEquals(204, b.http.get("/api/v1/pop/queue/" + q).status());
            Http.Response buffered = b.http.post("/api/v1/push",
                    "{\"items\":[{\"queue\":\"" + q + "\",\"payload\":2,\"transactionId\":\"via-b\"}]}");
            assertEquals("buffered", buffered.array().getJsonObject(0).getString("status"), buffered.body());
        } finally {
            assertEquals(200, a.http.post("/api/v1/system/maintenance/pop", "{\"enabled\":false}").status());
            assertEquals(200, a.http.post("/api/v1/system/maintenance", "{\"enabled\":false}").status());
        }
        // B drains its own buffer once it sees push maintenance off
        java.util.List<String> ids = MaintenanceTest.popAll(b.http, q, 2, 10_000);
        assertEquals(2, ids.size(), ids.toString());
        assertTrue(ids.contains("via-b"), ids.toString());
    }
}
