package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Push and pop maintenance through the API, on a server of its own (the switches are global). */
class MaintenanceTest {
    private static TestServer server;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        // a slow re-check timer: only a wake-up can explain a fast answer to a parked pop
        server = TestServer.start(TestDirs.temp("queen-maint"),
                Map.of("POP_WAIT_MAX_INTERVAL_MS", "10000"));
        http = server.http;
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static Http.Response setPush(Http http, boolean enabled) {
        Http.Response r = http.post("/api/v1/system/maintenance", new JsonObject().put("enabled", enabled));
        assertEquals(200, r.status(), r.body());
        assertEquals(enabled, r.json().getBoolean("maintenanceMode"), r.body());
        return r;
    }

    private static void setPop(boolean enabled) {
        Http.Response r = http.post("/api/v1/system/maintenance/pop", new JsonObject().put("enabled", enabled));
        assertEquals(200, r.status(), r.body());
        assertEquals(enabled, r.json().getBoolean("popMaintenanceMode"), r.body());
    }

    static JsonArray pushOneByOne(Http http, String queue, List<String> ids, String expectedStatus) {
        JsonArray all = new JsonArray();
        for (String id : ids) {
            Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                    .add(new JsonObject().put("queue", queue).put("partition", "p").put("transactionId", id)
                            .put("payload", new JsonObject().put("id", id)))));
            assertEquals(201, r.status(), r.body());
            JsonObject item = r.array().getJsonObject(0);
            assertEquals(expectedStatus, item.getString("status"), r.body());
            all.add(item);
        }
        return all;
    }

    /** Pops with autoAck until {@code expected} messages came or the deadline passed. */
    static List<String> popAll(Http http, String queue, int expected, long timeoutMs) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (got.size() < expected && System.currentTimeMillis() < deadline) {
            Http.Response r = http.get("/api/v1/pop/queue/" + queue + "?batch=100&autoAck=true&wait=true&timeout=500");
            got.addAll(QueueClient.transactionIds(r));
        }
        // anything beyond the expected count would be a duplicate: give it a chance to show
        got.addAll(QueueClient.transactionIds(http.get("/api/v1/pop/queue/" + queue + "?batch=100&autoAck=true")));
        return got;
    }

    @Test
    void pushMaintenanceBuffersEverythingAndReplaysItInOrderWhenSwitchedOff() throws Exception {
        String q = QueueClient.uniqueQueue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(String.format("m-%03d", i));
        }
        setPush(http, true);
        try {
            JsonArray results = pushOneByOne(http, q, ids.subList(0, 40), "buffered");
            assertEquals(q, results.getJsonObject(0).getString("queue"));
            assertEquals("p", results.getJsonObject(0).getString("partition"));
            assertEquals("m-000", results.getJsonObject(0).getString("transactionId"));

            // ten in one request, one without a transaction id: the server makes one up
            JsonArray items = new JsonArray();
            for (String id : ids.subList(40, 50)) {
                items.add(new JsonObject().put("queue", q).put("partition", "p").put("transactionId", id)
                        .put("payload", id));
            }
            Http.Response batch = http.post("/api/v1/push", new JsonObject().put("items", items));
            assertEquals(201, batch.status(), batch.body());
            assertEquals(10, batch.array().size());
            batch.array().forEach(o -> assertEquals("buffered", ((JsonObject) o).getString("status")));

            assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?batch=100").status(), "nothing in the database");
            Http.Response status = http.get("/api/v1/system/maintenance");
            assertEquals(200, status.status(), status.body());
            assertTrue(status.json().getBoolean("maintenanceMode"), status.body());
            assertFalse(status.json().getBoolean("popMaintenanceMode"), status.body());
            assertEquals(50L, status.json().getLong("bufferedMessages"), status.body());
            assertTrue(status.json().getBoolean("bufferHealthy"), status.body());
            assertEquals(50L, status.json().getJsonObject("bufferStats").getLong("pendingCount"), status.body());
            Thread.sleep(500); // the drainer must not touch the buffer while maintenance is on
            assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
        } finally {
            setPush(http, false);
        }
        assertEquals(ids, popAll(http, q, 50, 10_000), "all 50, once each, in push order");
        Http.Response status = http.get("/api/v1/system/maintenance");
        assertEquals(0L, status.json().getLong("bufferedMessages"), status.body());
        assertFalse(status.json().getBoolean("maintenanceMode"), status.body());
    }

    @Test
    void bufferedItemWithoutTransactionIdGetsOneThatSurvivesTheReplay() throws Exception {
        String q = QueueClient.uniqueQueue();
        setPush(http, true);
        String generated;
        try {
            Http.Response r = http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q + "\",\"payload\":\"x\"}]}");
            assertEquals(201, r.status(), r.body());
            generated = r.array().getJsonObject(0).getString("transactionId");
            assertTrue(generated != null && !generated.isEmpty(), r.body());
            assertEquals("Default", r.array().getJsonObject(0).getString("partition"));
        } finally {
            setPush(http, false);
        }
        Http.Response popped = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            popped = http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=500&autoAck=true");
            if (popped.status() == 200) {
                break;
            }
        }
        assertEquals(200, popped.status(), String.valueOf(popped));
        JsonObject message = popped.json().getJsonArray("messages").getJsonObject(0);
        assertEquals(generated, message.getString("transactionId"));
        assertEquals("x", message.getValue("data"));
    }

    @Test
    void popMaintenanceAnswers204UntilSwitchedOff() throws Exception {
        String q = QueueClient.uniqueQueue();
        new QueueClient(http).pushMany(q, "p", List.of("a", "b"));
        setPop(true);
        try {
            Http.Response get = http.get("/api/v1/system/maintenance/pop");
            assertEquals(200, get.status(), get.body());
            assertTrue(get.json().getBoolean("popMaintenanceMode"), get.body());
            assertTrue(get.json().getString("message") != null);
            for (int i = 0; i < 5; i++) {
                assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?batch=10").status());
                assertEquals(204, http.get("/api/v1/pop/queue/" + q + "/partition/p?batch=10").status());
            }
            long t = System.nanoTime();
            assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=5000").status());
            assertTrue((System.nanoTime() - t) / 1_000_000 < 2000, "a paused pop answers at once");
            assertTrue(http.get("/api/v1/system/maintenance").json().getBoolean("popMaintenanceMode"));
        } finally {
            setPop(false);
        }
        assertFalse(http.get("/api/v1/system/maintenance/pop").json().getBoolean("popMaintenanceMode"));
        assertEquals(List.of("a", "b"),
                QueueClient.transactionIds(http.get("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true")));
    }

    @Test
    void replayedPushesWakeParkedLongPolls() throws Exception {
        String q = QueueClient.uniqueQueue();
        setPush(http, true);
        try {
            pushOneByOne(http, q, List.of("w-1"), "buffered");
        } finally {
            java.util.concurrent.CompletableFuture<Http.Response> parked = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=8000&autoAck=true"));
            Thread.sleep(300); // let it park (its first check finds nothing)
            long t = System.nanoTime();
            setPush(http, false);
            Http.Response r = parked.get(10, java.util.concurrent.TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t) / 1_000_000;
            assertEquals(List.of("w-1"), QueueClient.transactionIds(r));
            assertTrue(ms < 3000, "the replay woke the parked pop after " + ms + " ms");
        }
    }

    @Test
    void switchesRejectNonBooleans() {
        for (String path : List.of("/api/v1/system/maintenance", "/api/v1/system/maintenance/pop")) {
            for (String body : List.of("{}", "{\"enabled\":\"true\"}", "{\"enabled\":1}", "{\"enabled\":null}")) {
                Http.Response r = http.post(path, body);
                assertEquals(400, r.status(), path + " " + body + " -> " + r);
                assertEquals("enabled (boolean) is required", r.json().getString("error"), r.body());
            }
        }
        assertFalse(http.get("/api/v1/system/maintenance").json().getBoolean("maintenanceMode"));
    }

    @Test
    void invalidPushesAreRejectedEvenInMaintenance() {
        setPush(http, true);
        try {
            Http.Response r = http.post("/api/v1/push", "{\"items\":[{\"payload\":1}]}");
            assertEquals(400, r.status(), r.body());
            assertEquals("Queue must be a string", r.json().getString("error"));
            r = http.post("/api/v1/push", "{}");
            assertEquals(400, r.status(), r.body());
        } finally {
            setPush(http, false);
        }
    }
}
