package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pushes to one partition that overlap and commit late must never be skipped by a consumer.
 * A message's position is (created_at, id) and a consumer's cursor only moves forward, so a
 * push that took its position first but commits after a later one is exactly the case that
 * loses a message when the server gets the order wrong. A trigger (test-only, on this test's
 * own database) stalls the inserts of chosen pushes after they have taken their position,
 * while quicker pushes to the same partition go on and consumers pop as fast as they can.
 */
class LateCommitOrderTest {
    private static final String QUEUE = "late-commit";
    private static final String PARTITION = "p";
    private static ServerOnOwnDatabase env;

    @BeforeAll
    static void start() throws Exception {
        env = ServerOnOwnDatabase.start("queen-late-commit", "QUEEN_THREADS", "2");
        env.stallPushesOnRequest();
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    @Test
    void overlappingSlowPushesAreDeliveredOnceInPositionOrder() throws Exception {
        Http http = env.server.http;
        List<String> pushed = Collections.synchronizedList(new ArrayList<>());
        List<String> queueMode = Collections.synchronizedList(new ArrayList<>());
        List<String> group = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean pushing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            // consumers: queue mode on the partition, and a group through the queue-wide pop
            Future<?> direct = pool.submit(() -> consume(http, "/api/v1/pop/queue/" + QUEUE + "/partition/" + PARTITION
                    + "?batch=10&autoAck=true&wait=false", queueMode, pushing));
            Future<?> wildcard = pool.submit(() -> consume(http, "/api/v1/pop/queue/" + QUEUE
                    + "?batch=10&autoAck=true&wait=false&consumerGroup=late&subscriptionMode=all", group, pushing));
            for (int round = 0; round < 6; round++) {
                List<Future<?>> inFlight = new ArrayList<>();
                // a long stall, a shorter one that starts later, then quick pushes
                inFlight.add(pool.submit(() -> push(http, pushed, 400)));
                Thread.sleep(40);
                inFlight.add(pool.submit(() -> push(http, pushed, 150)));
                Thread.sleep(40);
                for (int i = 0; i < 3; i++) {
                    inFlight.add(pool.submit(() -> push(http, pushed, 0)));
                }
                for (Future<?> f : inFlight) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            pushing.set(false);
            direct.get(60, TimeUnit.SECONDS);
            wildcard.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertEquals(30, pushed.size());
        List<String> positionOrder = storedInPositionOrder();
        assertEquals(new HashSet<>(pushed), new HashSet<>(positionOrder));
        assertDeliveredOnceInOrder(positionOrder, queueMode, "queue mode");
        assertDeliveredOnceInOrder(positionOrder, group, "consumer group");
    }

    private static void assertDeliveredOnceInOrder(List<String> expected, List<String> got, String consumer) {
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(got);
        assertEquals(List.of(), missing, consumer + " skipped " + missing.size() + " of " + expected.size());
        assertEquals(expected.size(), got.size(), consumer + " received duplicates");
        assertEquals(expected, got, consumer + " received them out of position order");
    }

    /** Pushes one message; stallMs > 0 holds its insert after it has taken its position. */
    private static void push(Http http, List<String> pushed, int stallMs) {
        String id = "m-" + java.util.UUID.randomUUID();
        JsonObject payload = new JsonObject().put("id", id);
        if (stallMs > 0) {
            payload.put("stallMs", stallMs);
        }
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray().add(new JsonObject()
                .put("queue", QUEUE).put("partition", PARTITION).put("transactionId", id).put("payload", payload))));
        assertEquals(201, r.status(), r.body());
        assertEquals("queued", r.array().getJsonObject(0).getString("status"), r.body());
        pushed.add(id);
    }

    /** Pops until the pushes are over and two seconds pass with nothing new. */
    private static void consume(Http http, String path, List<String> received, AtomicBoolean pushing) {
        long quietSince = System.currentTimeMillis();
        while (pushing.get() || System.currentTimeMillis() - quietSince < 2_000) {
            Http.Response r = http.get(path);
            if (r.status() == 204) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            assertEquals(200, r.status(), r.body());
            for (Object o : r.json().getJsonArray("messages")) {
                received.add(((JsonObject) o).getString("transactionId"));
            }
            quietSince = System.currentTimeMillis();
        }
    }

    private static List<String> storedInPositionOrder() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = env.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT m.transaction_id FROM queen.messages m"
                     + " JOIN queen.partitions pt ON pt.id = m.partition_id JOIN queen.queues q ON q.id = pt.queue_id"
                     + " WHERE q.name = '" + QUEUE + "' ORDER BY m.created_at, m.id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        assertTrue(ids.size() > 0);
        return ids;
    }
}
