package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent pushes on one worker are fused into shared database calls; every client must
 * still see exactly its own results, and a bad request must not fail the others.
 */
class PushFusionTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        // one worker with one push call at a time: concurrent requests have to be fused
        server = TestServer.start(TestDirs.temp("queen-fusion"),
                Map.of("QUEEN_THREADS", "1", "QUEEN_PUSH_MAX_CONCURRENT", "1"));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void fusedRequestsGetTheirOwnResults() throws Exception {
        Map<String, Integer> requestOfMessage = new java.util.HashMap<>();
        String q = pushConcurrently(40, 0, requestOfMessage);
        // messages of one database call share created_at: several requests in one call
        // prove that the requests really were fused
        Map<String, Set<Integer>> requestsByCreatedAt = new java.util.HashMap<>();
        Http.Response pop;
        while ((pop = server.http.get("/api/v1/pop/queue/" + q + "?batch=1000&partitions=10&autoAck=true"))
                .status() == 200) {
            for (Object o : pop.json().getJsonArray("messages")) {
                JsonObject m = (JsonObject) o;
                requestsByCreatedAt.computeIfAbsent(m.getString("createdAt"), k -> new HashSet<>())
                        .add(requestOfMessage.get(m.getString("id")));
            }
        }
        assertTrue(requestsByCreatedAt.values().stream().anyMatch(r -> r.size() > 1),
                "no two requests shared a database call: " + requestsByCreatedAt);
    }

    @Test
    void aBadRequestFailsAloneAndTheOthersAreStored() throws Exception {
        pushConcurrently(40, 5, new java.util.HashMap<>());
    }

    /** @return the queue; fills {@code requestOfMessage} with message id → request number */
    private static String pushConcurrently(int good, int bad, Map<String, Integer> requestOfMessage)
            throws Exception {
        String q = "fusion-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(good + bad);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Response>> goodResults = new ArrayList<>();
        List<Future<Http.Response>> badResults = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try {
            for (int r = 0; r < good; r++) {
                JsonArray items = new JsonArray();
                for (int i = 0; i < 3; i++) {
                    items.add(new JsonObject().put("queue", q).put("partition", "p" + (r % 4))
                            .put("transactionId", "r" + r + "-i" + i).put("payload", new JsonObject().put("r", r)));
                }
                String body = new JsonObject().put("items", items).encode();
                goodResults.add(pool.submit(() -> {
                    go.await();
                    return server.http.post("/api/v1/push", body);
                }));
            }
            for (int r = 0; r < bad; r++) {
                // PostgreSQL refuses \u0000 inside jsonb text
                String body = "{\"items\":[{\"queue\":\"" + q + "\",\"payload\":\"nul\\u0000\"}]}";
                badResults.add(pool.submit(() -> {
                    go.await();
                    return server.http.post("/api/v1/push", body);
                }));
            }
            go.countDown();

            for (int r = 0; r < good; r++) {
                Http.Response response = goodResults.get(r).get();
                assertEquals(201, response.status(), response.body());
                JsonArray results = response.array();
                assertEquals(3, results.size());
                for (int i = 0; i < 3; i++) {
                    JsonObject item = results.getJsonObject(i);
                    assertEquals(i, item.getInteger("index"), response.body());
                    assertEquals("r" + r + "-i" + i, item.getString("transaction_id"));
                    assertEquals("queued", item.getString("status"));
                    ids.add(item.getString("message_id"));
                    requestOfMessage.put(item.getString("message_id"), r);
                }
            }
            assertEquals(good * 3, ids.size());
            for (Future<Http.Response> f : badResults) {
                Http.Response response = f.get();
                assertEquals(400, response.status(), response.body());
                assertTrue(response.json().getString("error").contains("Invalid input"), response.body());
            }
        } finally {
            pool.shutdownNow();
        }

        // exactly the good messages are stored, each once (a separate group keeps them
        // available to the caller's own checks)
        Set<String> popped = new HashSet<>();
        Http.Response pop;
        while ((pop = server.http.get("/api/v1/pop/queue/" + q
                + "?batch=1000&partitions=10&autoAck=true&consumerGroup=check"))
                .status() == 200) {
            for (Object m : pop.json().getJsonArray("messages")) {
                assertTrue(popped.add(((JsonObject) m).getString("id")), "delivered twice");
            }
        }
        assertEquals(204, pop.status(), pop.body());
        assertEquals(ids, popped);
        return q;
    }

    @Test
    void sameTransactionIdInTwoFusedRequestsIsStoredOnce() throws Exception {
        String q = "fusion-dup-" + UUID.randomUUID();
        String body = "{\"items\":[{\"queue\":\"" + q + "\",\"transactionId\":\"same\",\"payload\":1}]}";
        List<CompletableFuture<Http.Response>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(CompletableFuture.supplyAsync(() -> server.http.post("/api/v1/push", body)));
        }
        int queued = 0;
        Set<String> ids = new HashSet<>();
        for (CompletableFuture<Http.Response> f : all) {
            JsonObject r = f.get().array().getJsonObject(0);
            queued += "queued".equals(r.getString("status")) ? 1 : 0;
            ids.add(r.getString("message_id"));
        }
        assertEquals(1, queued);
        assertEquals(1, ids.size());
    }
}
