package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent pushes, competing consumers, long-poll wake-ups and large batches, through HTTP.
 */
class ConcurrencyTest {
    private final Http http = TestServer.shared().http;

    private static String queue() {
        return "t-" + UUID.randomUUID();
    }

    private static JsonObject item(String queue, String partition, Object payload) {
        return new JsonObject().put("queue", queue).put("partition", partition).put("payload", payload);
    }

    private static JsonArray push(Http client, JsonArray items) {
        Http.Response r = client.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
        JsonArray results = r.array();
        assertEquals(items.size(), results.size());
        return results;
    }

    /** Runs the tasks on their own threads, released together, and returns their results. */
    private static <T> List<T> runTogether(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CyclicBarrier barrier = new CyclicBarrier(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- dedup race

    @Test
    void concurrentPushesOfOneTransactionIdStoreExactlyOneMessage() throws Exception {
        String q = queue();
        for (int round = 0; round < 3; round++) {
            String txn = "race-" + round;
            List<Callable<JsonObject>> tasks = new ArrayList<>();
            for (int t = 0; t < 20; t++) {
                int n = t;
                tasks.add(() -> {
                    JsonArray items = new JsonArray().add(item(q, "P", n).put("transactionId", txn));
                    return push(http, items).getJsonObject(0);
                });
            }
            List<JsonObject> results = runTogether(tasks);
            int queued = 0;
            int duplicates = 0;
            Set<String> ids = new HashSet<>();
            for (JsonObject r : results) {
                if ("queued".equals(r.getString("status"))) {
                    queued++;
                } else if ("duplicate".equals(r.getString("status"))) {
                    duplicates++;
                }
                assertEquals(txn, r.getString("transaction_id"), r.encode());
                assertNotNull(r.getString("message_id"), r.encode());
                ids.add(r.getString("message_id"));
            }
            assertEquals(1, queued, "round " + round + ": " + results);
            assertEquals(19, duplicates, "round " + round + ": " + results);
            assertEquals(1, ids.size(), "all results must name the winner's id: " + results);

            Http.Response popped = http.get("/api/v1/pop/queue/" + q + "/partition/P?batch=100");
            assertEquals(200, popped.status(), popped.body());
            JsonArray messages = popped.json().getJsonArray("messages");
            assertEquals(1, messages.size(), popped.body());
            assertEquals(ids.iterator().next(), messages.getJsonObject(0).getString("id"));
            QueueClient.ackAll(http, messages, null);
        }
    }

    // ---------------------------------------------------------------- lease exclusivity

    @ParameterizedTest
    @ValueSource(strings = {"", "/partition/only"})
    void onlyOneOfManyParallelPopsLeasesThePartition(String route) throws Exception {
        String q = queue();
        JsonArray items = new JsonArray();
        for (int i = 0; i < 50; i++) {
            items.add(item(q, "only", i));
        }
        push(http, items);

        List<Callable<Http.Response>> tasks = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            tasks.add(() -> http.get("/api/v1/pop/queue/" + q + route + "?batch=5"));
        }
        List<Http.Response> responses = runTogether(tasks);
        List<Http.Response> winners = new ArrayList<>();
        for (Http.Response r : responses) {
            if (r.status() == 200) {
                winners.add(r);
            } else {
                assertEquals(204, r.status(), r.body());
            }
        }
        assertEquals(1, winners.size(), "pops that got messages: " + winners);
        JsonArray messages = winners.get(0).json().getJsonArray("messages");
        assertEquals(5, messages.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, messages.getJsonObject(i).getInteger("data"));
        }
        // still leased: nobody else gets anything until the batch is acked
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?batch=5").status());
        QueueClient.ackAll(http, messages, null);
        Http.Response next = http.get("/api/v1/pop/queue/" + q + route + "?batch=5");
        assertEquals(200, next.status(), next.body());
        assertEquals(5, next.json().getJsonArray("messages").getJsonObject(0).getInteger("data"));
    }

    // ---------------------------------------------------------------- competing consumers, FIFO

    /**
     * "mixed": half of the consumers auto-ack, so a partition's next batch can be taken before
     * this side records the previous one; there the order is checked within each batch and
     * every message must still arrive exactly once.
     */
    @ParameterizedTest
    @ValueSource(strings = {"explicit", "mixed"})
    void competingConsumersConsumeEachMessageOnceInPartitionOrder(String acks) throws Exception {
        String q = queue();
        int partitions = 100;
        int perPartition = 20;
        int total = partitions * perPartition;
        // several pushes; each carries the next sequence number of every partition
        for (int seq = 0; seq < perPartition; seq++) {
            JsonArray items = new JsonArray();
            for (int p = 0; p < partitions; p++) {
                items.add(item(q, "p" + p, new JsonObject().put("p", p).put("seq", seq)));
            }
            push(http, items);
        }

        Map<Integer, List<Integer>> seen = new HashMap<>();
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        AtomicInteger consumed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);

        List<Callable<Integer>> consumers = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            boolean autoAck = acks.equals("mixed") && t % 2 == 1;
            consumers.add(() -> {
                int mine = 0;
                while (consumed.get() < total && System.nanoTime() < deadline) {
                    Http.Response r = http.get("/api/v1/pop/queue/" + q + "?batch=10" + (autoAck ? "&autoAck=true" : ""));
                    if (r.status() == 204) {
                        Thread.sleep(5);
                        continue;
                    }
                    assertEquals(200, r.status(), r.body());
                    JsonArray messages = r.json().getJsonArray("messages");
                    // recorded before the ack, so the next batch of this partition
                    // (only poppable after the ack) is always recorded after this one
                    synchronized (seen) {
                        int previous = -1;
                        for (int i = 0; i < messages.size(); i++) {
                            JsonObject m = messages.getJsonObject(i);
                            JsonObject data = m.getJsonObject("data");
                            if (!ids.add(m.getString("id"))) {
                                problems.add("delivered twice: " + m.encode());
                            }
                            if (!("p" + data.getInteger("p")).equals(m.getString("partition"))) {
                                problems.add("wrong partition: " + m.encode());
                            }
                            seen.computeIfAbsent(data.getInteger("p"), k -> new ArrayList<>())
                                    .add(data.getInteger("seq"));
                            if (data.getInteger("seq") <= previous) {
                                problems.add("out of order within a batch: " + messages.encode());
                            }
                            previous = data.getInteger("seq");
                        }
                    }
                    if (!autoAck) {
                        QueueClient.ackAll(http, messages, null);
                    }
                    consumed.addAndGet(messages.size());
                    mine += messages.size();
                }
                return mine;
            });
        }
        List<Integer> perConsumer = runTogether(consumers);

        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(total, consumed.get(), "consumed before the deadline; per consumer " + perConsumer);
        assertEquals(total, ids.size());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perPartition; i++) {
            expected.add(i);
        }
        assertEquals(partitions, seen.size());
        for (int p = 0; p < partitions; p++) {
            List<Integer> got = seen.get(p);
            if (acks.equals("mixed")) {
                got = new ArrayList<>(got);
                got.sort(null);
            }
            assertEquals(expected, got, "consumption order of partition p" + p);
        }
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?batch=10").status());
    }

    // ---------------------------------------------------------------- long polling

    @Test
    void parkedLongPollIsWokenByAPushOnAnyWorker() throws Exception {
        TestServer own = TestServer.start(TestDirs.temp("queen-wake"), Map.of("QUEEN_THREADS", "4"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            String base = "http://127.0.0.1:" + own.port;
            String q = queue();
            // warm-up round trip, so the measured rounds do not pay for first-use costs
            push(own.http, new JsonArray().add(item(q, "warm", 0)));
            Http.Response warm = own.http.get("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true");
            assertEquals(200, warm.status(), warm.body());

            // {route suffix, partition the push goes to, extra query}
            String[][] routes = {
                    {"", "R", ""},
                    {"/partition/P", "P", ""},
                    {"", "S", "&consumerGroup=g"},
                    {"/partition/Q", "Q", "&consumerGroup=g"}};
            for (int round = 0; round < 8; round++) {
                String[] route = routes[round % routes.length];
                String partition = route[1];
                // a queue per round: a group seeing a queue for the first time starts at its beginning
                String rq = q + "-" + round;
                String path = "/api/v1/pop/queue/" + rq + route[0]
                        + "?wait=true&timeout=10000&batch=10&autoAck=true" + route[2];
                // fresh clients: new connections, spread over the server's event loops
                Http popClient = new Http(base);
                Http pushClient = new Http(base);
                Future<long[]> parked = pool.submit(() -> {
                    Http.Response r = popClient.get(path);
                    long at = System.nanoTime();
                    return new long[]{r.status(), at, r.status() == 200
                            ? r.json().getJsonArray("messages").getJsonObject(0).getInteger("data") : -1};
                });
                Thread.sleep(300);
                assertFalse(parked.isDone(), "round " + round + ": the pop did not wait");
                push(pushClient, new JsonArray().add(item(rq, partition, 1000 + round)));
                long pushedAt = System.nanoTime();
                long[] outcome = parked.get(15, TimeUnit.SECONDS);
                long ms = (outcome[1] - pushedAt) / 1_000_000L;
                assertEquals(200, (int) outcome[0], "round " + round + " " + path);
                assertEquals(1000 + round, (int) outcome[2], "round " + round);
                assertTrue(ms < 100, "round " + round + " (" + path + "): woken " + ms + " ms after the push");
            }
        } finally {
            pool.shutdownNow();
            own.stop();
        }
    }

    @Test
    void longPollWakesOnSharedServerToo() throws Exception {
        String q = queue();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<long[]> parked = pool.submit(() -> {
                Http.Response r = new Http("http://127.0.0.1:" + TestServer.shared().port).get("/api/v1/pop/queue/" + q + "?wait=true&timeout=10000");
                return new long[]{r.status(), System.nanoTime()};
            });
            Thread.sleep(300);
            assertFalse(parked.isDone(), "the pop did not wait");
            push(http, new JsonArray().add(item(q, "Default", "ping")));
            long pushedAt = System.nanoTime();
            long[] outcome = parked.get(15, TimeUnit.SECONDS);
            assertEquals(200, (int) outcome[0]);
            long ms = (outcome[1] - pushedAt) / 1_000_000L;
            assertTrue(ms < 100, "woken " + ms + " ms after the push");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void longPollTimesOutWith204() {
        String q = queue();
        long start = System.nanoTime();
        Http.Response r = http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=500");
        long ms = (System.nanoTime() - start) / 1_000_000L;
        assertEquals(204, r.status(), r.body());
        assertTrue(ms >= 450, "answered after " + ms + " ms, timeout was 500");
        assertTrue(ms < 3000, "answered after " + ms + " ms, timeout was 500");

        // also on a specific partition of an existing queue whose partition is leased
        push(http, new JsonArray().add(item(q, "L", 1)));
        assertEquals(200, http.get("/api/v1/pop/queue/" + q + "/partition/L").status());
        start = System.nanoTime();
        r = http.get("/api/v1/pop/queue/" + q + "/partition/L?wait=true&timeout=500");
        ms = (System.nanoTime() - start) / 1_000_000L;
        assertEquals(204, r.status(), r.body());
        assertTrue(ms >= 450 && ms < 3000, "answered after " + ms + " ms, timeout was 500");
    }

    // ---------------------------------------------------------------- large batches

    @Test
    void tenThousandItemsInOnePushPopAndAck() {
        String q = queue();
        int n = 10_000;
        // ordinary traffic first: the server's database connections have run pushes before
        for (int i = 0; i < 30; i++) {
            push(http, new JsonArray().add(item(q + "-warm", "w" + (i % 3), i)));
        }
        JsonArray items = new JsonArray();
        for (int i = 0; i < n; i++) {
            items.add(item(q, "big", new JsonObject().put("i", i)));
        }
        long t0 = System.nanoTime();
        JsonArray results = push(http, items);
        long pushMs = (System.nanoTime() - t0) / 1_000_000L;
        Set<String> ids = new HashSet<>();
        List<String> idsInOrder = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonObject r = results.getJsonObject(i);
            assertEquals("queued", r.getString("status"), r.encode());
            assertEquals(i, r.getInteger("index"));
            ids.add(r.getString("message_id"));
            idsInOrder.add(r.getString("message_id"));
        }
        assertEquals(n, ids.size(), "message ids must be distinct");

        t0 = System.nanoTime();
        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "?batch=" + n);
        long popMs = (System.nanoTime() - t0) / 1_000_000L;
        assertEquals(200, popped.status(), popped.status() == 200 ? "" : popped.body());
        JsonArray messages = popped.json().getJsonArray("messages");
        assertEquals(n, messages.size());
        for (int i = 0; i < n; i++) {
            JsonObject m = messages.getJsonObject(i);
            assertEquals(i, m.getJsonObject("data").getInteger("i"), "position " + i);
            assertEquals(idsInOrder.get(i), m.getString("id"), "position " + i);
        }

        t0 = System.nanoTime();
        JsonArray acks = QueueClient.ackAll(http, messages, null);
        long ackMs = (System.nanoTime() - t0) / 1_000_000L;
        for (int i = 0; i < n; i++) {
            assertEquals(i, acks.getJsonObject(i).getInteger("index"));
        }
        assertEquals(Boolean.TRUE, acks.getJsonObject(n - 1).getBoolean("leaseReleased"));
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?batch=10").status());

        // generous bounds (about 1 s each on a small machine): they catch work that grows
        // quadratically with the batch, not ordinary slowness
        String timings = "push " + pushMs + " ms, pop " + popMs + " ms, ack " + ackMs + " ms";
        assertTrue(pushMs < 10_000, "10,000-item push too slow: " + timings);
        assertTrue(popMs < 10_000, "10,000-message pop too slow: " + timings);
        assertTrue(ackMs < 10_000, "10,000-item ack too slow: " + timings);
    }
}
