package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Private servers: body limit, restart durability, clean shutdown. */
class ServerLifecycleTest {

    @Test
    void bodyOverTheConfiguredLimitIsRejectedWith413() throws Exception {
        TestServer server = TestServer.start(TestDirs.temp("queen-limit"),
                Map.of("QUEEN_MAX_BODY_BYTES", "10000"));
        try {
            String q = QueueClient.uniqueQueue();
            String big = "x".repeat(20_000);
            Http.Response tooBig = server.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                    .add(new JsonObject().put("queue", q).put("payload", big))));
            assertEquals(413, tooBig.status(), tooBig.body());
            assertInstanceOf(String.class, tooBig.json().getValue("error"), tooBig.body());

            Http.Response tooBigConfigure = server.http.post("/api/v1/configure",
                    new JsonObject().put("queue", q).put("namespace", big));
            assertEquals(413, tooBigConfigure.status(), tooBigConfigure.body());

            // nothing of the rejected push was stored, and small bodies still work
            assertEquals(204, server.http.get("/api/v1/pop/queue/" + q).status());
            new QueueClient(server.http).push(q, null, "small", "y".repeat(5_000));
            assertEquals(List.of("small"), new QueueClient(server.http).popTransactionIds(q, null, 10, false));
        } finally {
            server.stop();
        }
    }

    @Test
    void aSecondServerOnAPortInUseRefusesToStart() throws Exception {
        TestServer first = TestServer.start(TestDirs.temp("queen-port-a"), Map.of());
        try {
            // its workers listen with SO_REUSEPORT: without the check the kernel would share the port
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TestServer.start(
                    TestDirs.temp("queen-port-b"), Map.of("PORT", Integer.toString(first.port))));
            assertTrue(refused.getMessage().contains("Port " + first.port + " on 127.0.0.1 is already in use"),
                    refused.getMessage());
            assertEquals(200, first.http.get("/health").status(), "the first server is untouched");
        } finally {
            first.stop();
        }
        TestServer again = TestServer.start(TestDirs.temp("queen-port-c"), Map.of("PORT", Integer.toString(first.port)));
        again.stop();
    }

    @Test
    void restartKeepsEveryMessageInOrder() throws Exception {
        Path dir = TestDirs.temp("queen-restart");
        String q = QueueClient.uniqueQueue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(String.format("m-%03d", i));
        }
        TestServer first = TestServer.start(dir, Map.of());
        try {
            QueueClient client = new QueueClient(first.http);
            client.pushMany(q, "Default", ids.subList(0, 50));
            for (String id : ids.subList(50, 100)) {
                client.push(q, "Default", id, new JsonObject().put("tx", id));
            }
        } finally {
            first.stop();
        }

        TestServer second = TestServer.start(dir, Map.of());
        try {
            Http.Response r = second.http.get("/api/v1/pop/queue/" + q + "?batch=1000");
            assertEquals(200, r.status(), r.body());
            JsonArray messages = r.json().getJsonArray("messages");
            assertEquals(100, messages.size());
            for (int i = 0; i < 100; i++) {
                JsonObject m = messages.getJsonObject(i);
                assertEquals(ids.get(i), m.getString("transactionId"), "position " + i);
                assertEquals(new JsonObject().put("tx", ids.get(i)), m.getJsonObject("data"));
            }
        } finally {
            second.stop();
        }
    }

    @Test
    void parkedLongPollIsAnsweredWhenTheServerStops() throws Exception {
        TestServer server = TestServer.start(TestDirs.temp("queen-shutdown"), Map.of());
        CompletableFuture<Long> stop = null;
        try {
            String q = QueueClient.uniqueQueue();
            long begin = System.nanoTime();
            CompletableFuture<Http.Response> poll = CompletableFuture.supplyAsync(
                    () -> server.http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=30000"));
            Thread.sleep(1500);
            assertTrue(!poll.isDone(), "the long-poll must be parked before the stop");

            stop = CompletableFuture.supplyAsync(() -> {
                long t = System.nanoTime();
                server.stop();
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            });
            Http.Response response = poll.get(10, TimeUnit.SECONDS);
            assertEquals(204, response.status(), response.body());
            long stopMillis = stop.get(15, TimeUnit.SECONDS);
            assertTrue(stopMillis < 8000, "stop() took " + stopMillis + " ms");
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin) < 15,
                    "the long-poll must not run to its 30 s timeout");
        } finally {
            if (stop == null) {
                server.stop();
            } else {
                stop.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
