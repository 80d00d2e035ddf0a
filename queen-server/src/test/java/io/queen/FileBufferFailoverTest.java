package io.queen;

import io.queen.db.EmbeddedDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pushes survive a database outage and a server restart through the file buffer. */
class FileBufferFailoverTest {

    private static Map<String, String> external(int pgPort) {
        return TestServer.onDatabase(pgPort, "DB_CONNECTION_TIMEOUT", "1000");
    }

    @Test
    void pushesDuringAnOutageAreBufferedAndStoredExactlyOnce() throws Exception {
        Path dir = TestDirs.temp("queen-failover");
        int pgPort = TestServer.freePort();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, pgPort);
        TestServer server = null;
        AtomicBoolean pushing = new AtomicBoolean(true);
        try {
            server = TestServer.start(dir, external(pgPort));
            Http http = server.http;
            String q = QueueClient.uniqueQueue();
            List<String> accepted = new ArrayList<>();
            Set<String> statuses = new HashSet<>();
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
                for (int i = 0; pushing.get(); i++) {
                    String id = "f-" + i;
                    Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                            .add(new JsonObject().put("queue", q).put("partition", "p" + (i % 3))
                                    .put("transactionId", id).put("payload", i))));
                    assertEquals(201, r.status(), "push " + id + " -> " + r);
                    String status = r.array().getJsonObject(0).getString("status");
                    assertTrue(status.equals("queued") || status.equals("buffered"), r.body());
                    synchronized (accepted) {
                        accepted.add(id);
                        statuses.add(status);
                    }
                }
            });
            Thread.sleep(500);
            db.close();
            db = null;
            Thread.sleep(2000);
            db = EmbeddedDatabase.start(dir, pgPort);
            Thread.sleep(1500);
            pushing.set(false);
            producer.get(30, TimeUnit.SECONDS);
            synchronized (accepted) {
                assertTrue(statuses.contains("buffered"), "some pushes went to the buffer: " + statuses);
                assertTrue(statuses.contains("queued"), "some pushes went to the database: " + statuses);
            }

            List<String> popped = MaintenanceTest.popAll(http, q, accepted.size(), 20_000);
            assertEquals(accepted.size(), new HashSet<>(popped).size(), "every accepted push stored");
            assertEquals(new HashSet<>(accepted), new HashSet<>(popped));
            assertEquals(popped.size(), new HashSet<>(popped).size(), "no push stored twice");
            Http.Response status = http.get("/api/v1/system/maintenance");
            assertEquals(0L, status.json().getLong("bufferedMessages"), status.body());
            assertTrue(status.json().getJsonObject("bufferStats").getBoolean("dbHealthy"), status.body());
        } finally {
            pushing.set(false);
            if (server != null) {
                server.stop();
            }
            if (db != null) {
                db.close();
            }
        }
    }

    @Test
    void theBufferSurvivesARestartOfTheServer() throws Exception {
        Path dir = TestDirs.temp("queen-buffer-restart");
        int pgPort = TestServer.freePort();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, pgPort);
        TestServer first = null;
        TestServer second = null;
        try {
            first = TestServer.start(dir, external(pgPort));
            String q = QueueClient.uniqueQueue();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ids.add(String.format("r-%02d", i));
            }
            MaintenanceTest.setPush(first.http, true);
            MaintenanceTest.pushOneByOne(first.http, q, ids, "buffered");
            first.stop();
            first = null;

            second = TestServer.start(dir, external(pgPort));
            Http.Response status = second.http.get("/api/v1/system/maintenance");
            assertTrue(status.json().getBoolean("maintenanceMode"), "the switch is persisted: " + status);
            assertEquals(30L, status.json().getLong("bufferedMessages"), status.body());
            assertEquals(204, second.http.get("/api/v1/pop/queue/" + q).status(), "still buffered");

            MaintenanceTest.setPush(second.http, false);
            assertEquals(ids, MaintenanceTest.popAll(second.http, q, 30, 10_000));
        } finally {
            if (first != null) {
                first.stop();
            }
            if (second != null) {
                second.stop();
            }
            db.close();
        }
    }

    @Test
    void anEarlierRunsBufferIsReplayedBeforeTheServerAcceptsPushes() throws Exception {
        Path dir = TestDirs.temp("queen-buffer-replay");
        int pgPort = TestServer.freePort();
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, pgPort);
        TestServer server = null;
        TestServer other = null;
        try {
            server = TestServer.start(dir, external(pgPort));
            String q = QueueClient.uniqueQueue();
            List<String> ids = new ArrayList<>();
            MaintenanceTest.setPush(server.http, true);
            for (int request = 0; request < 4; request++) {
                JsonArray items = new JsonArray();
                for (int i = 0; i < 500; i++) {
                    String id = String.format("b-%04d", ids.size());
                    ids.add(id);
                    items.add(new JsonObject().put("queue", q).put("partition", "p").put("transactionId", id)
                            .put("payload", i));
                }
                Http.Response r = server.http.post("/api/v1/push", new JsonObject().put("items", items));
                assertEquals("buffered", r.array().getJsonObject(499).getString("status"), r.body());
            }
            server.stop();
            server = null;
            // maintenance is switched off while this server is down, by another one
            other = TestServer.start(TestDirs.temp("queen-buffer-other"), external(pgPort));
            MaintenanceTest.setPush(other.http, false);
            other.stop();
            other = null;

            // small replay batches make the replay take long enough to race with a push
            Map<String, String> slowReplay = new java.util.HashMap<>(external(pgPort));
            slowReplay.put("FILE_BUFFER_MAX_BATCH", "10");
            server = TestServer.start(dir, slowReplay);
            // nothing waits here: the replay happened before the server answered anything
            MaintenanceTest.pushOneByOne(server.http, q, List.of("after"), "queued");
            Http.Response r = server.http.get("/api/v1/pop/queue/" + q + "/partition/p?batch=3000&autoAck=true");
            List<String> expected = new ArrayList<>(ids);
            expected.add("after");
            assertEquals(expected, QueueClient.transactionIds(r), "buffered pushes first, in order, then the new one");
            assertEquals(0L, server.http.get("/api/v1/system/maintenance").json().getLong("bufferedMessages"));
        } finally {
            if (server != null) {
                server.stop();
            }
            if (other != null) {
                other.stop();
            }
            db.close();
        }
    }

    @Test
    void filesSetAsideAreCountedWithTheirSize() throws Exception {
        Path dir = TestDirs.temp("queen-buffer-failed");
        Path failed = Files.createDirectories(dir.resolve("buffer").resolve("failed"));
        Files.write(failed.resolve("failover_0001.buf"), new byte[1500]);
        Files.write(failed.resolve("failover_0002.buf"), new byte[2500]);
        TestServer server = TestServer.start(dir, Map.of());
        try {
            Http.Response r = server.http.get("/api/v1/system/maintenance");
            JsonObject stats = r.json().getJsonObject("bufferStats");
            assertEquals(2, stats.getInteger("failedCount"), r.body());
            JsonObject files = stats.getJsonObject("failedFiles");
            assertEquals(2, files.getInteger("count"), r.body());
            assertEquals(4000L, files.getLong("totalBytes"), r.body());
            assertEquals(2, files.getInteger("failoverCount"), r.body());
            assertEquals(0, files.getInteger("qos0Count"), r.body());
            assertEquals(2L, server.http.get("/api/v1/status/buffers").json().getLong("failed"));
        } finally {
            server.stop();
        }
    }
}
