package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wildcard pop discovery (the per-group ready set): every partition with messages is found,
 * whatever the number of partitions, hot neighbours, leases, seeks, group deletions, new groups
 * and pushes racing with them; watermark rows written by other tools behave as the reference's
 * contract says. Through HTTP, with SQL only to play the "other tool".
 */
class PartitionDiscoveryTest {
    private static ServerOnOwnDatabase env;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        env = ServerOnOwnDatabase.start("queen-discovery");
        http = env.server.http;
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static String queue() {
        return "d-" + UUID.randomUUID();
    }

    /** One message in each of {@code count} partitions p0..p(count-1), pushed in batches of 1000. */
    private static void pushOnePerPartition(String queue, int from, int count, String tag) {
        for (int start = from; start < from + count; start += 1000) {
            JsonArray items = new JsonArray();
            for (int i = start; i < Math.min(from + count, start + 1000); i++) {
                items.add(new JsonObject().put("queue", queue).put("partition", "p" + i)
                        .put("payload", new JsonObject().put("p", i).put("tag", tag)));
            }
            Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
            assertEquals(201, r.status(), r.body());
        }
    }

    private static void push(String queue, String partition, Object payload) {
        JsonArray items = new JsonArray().add(new JsonObject().put("queue", queue).put("partition", partition)
                .put("payload", payload));
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
    }

    /** Wildcard pop, no wait: the messages (empty on 204). */
    private static JsonArray pop(String queue, String query) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "?wait=false&" + query);
        if (r.status() == 204) {
            return new JsonArray();
        }
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("messages");
    }

    /** Pops with auto-ack until a pop comes back empty; the payloads' partition numbers. */
    private static List<Integer> drain(String queue, String query) {
        List<Integer> seen = new ArrayList<>();
        while (true) {
            JsonArray messages = pop(queue, query + "&autoAck=true");
            if (messages.isEmpty()) {
                return seen;
            }
            for (int i = 0; i < messages.size(); i++) {
                seen.add(messages.getJsonObject(i).getJsonObject("data").getInteger("p"));
            }
        }
    }

    private static void assertEachOnce(List<Integer> seen, int from, int count) {
        Map<Integer, Integer> times = new HashMap<>();
        for (int p : seen) {
            times.merge(p, 1, Integer::sum);
        }
        for (int i = from; i < from + count; i++) {
            assertEquals(1, times.getOrDefault(i, 0), "partition p" + i + " delivered " + times.get(i) + " times");
        }
        assertEquals(count, seen.size(), "deliveries");
    }

    @Test
    void everyPartitionIsServedWhileHotPartitionsKeepReceiving() throws Exception {
        String q = queue();
        int cold = 10_000;
        pushOnePerPartition(q, 0, cold, "cold");
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pusher = Executors.newSingleThreadExecutor();
        Future<?> hot = pusher.submit(() -> {
            int n = 0;
            while (!stop.get()) {
                push(q, "hot-" + (n % 3), new JsonObject().put("p", -1).put("n", n++));
            }
        });
        Set<Integer> coldSeen = new HashSet<>();
        int hotSeen = 0;
        int pops = 0;
        try {
            while (coldSeen.size() < cold && pops < 3 * cold) {
                JsonArray messages = pop(q, "batch=10&partitions=10&autoAck=true");
                pops++;
                for (int i = 0; i < messages.size(); i++) {
                    int p = messages.getJsonObject(i).getJsonObject("data").getInteger("p");
                    if (p < 0) {
                        hotSeen++;
                    } else {
                        assertTrue(coldSeen.add(p), "p" + p + " delivered twice");
                    }
                }
            }
            assertEquals(cold, coldSeen.size(), "cold partitions served after " + pops + " pops");
            // partitions are served oldest first: the hot ones, busy all along, come next
            for (int more = 0; more < 20 && hotSeen == 0; more++) {
                JsonArray messages = pop(q, "batch=10&partitions=10&autoAck=true");
                for (int i = 0; i < messages.size(); i++) {
                    assertEquals(-1, messages.getJsonObject(i).getJsonObject("data").getInteger("p"));
                    hotSeen++;
                }
            }
        } finally {
            stop.set(true);
            hot.get(10, TimeUnit.SECONDS);
            pusher.shutdown();
        }
        assertTrue(hotSeen > 0, "the hot partitions are served once the older backlog is");
    }

    @Test
    void aServedPartitionGoesToTheBackOfTheLine() {
        String q = queue();
        for (int round = 0; round < 3; round++) {
            pushOnePerPartition(q, 0, 4, "r" + round);
        }
        // 4 partitions x 3 messages, batch 1: each partition is served once before any twice
        List<Integer> order = drain(q, "batch=1");
        assertEquals(12, order.size(), order.toString());
        for (int round = 0; round < 3; round++) {
            assertEquals(Set.of(0, 1, 2, 3), new HashSet<>(order.subList(round * 4, round * 4 + 4)), order.toString());
        }
    }

    @Test
    void multiPartitionPopsTakeDistinctPartitions() {
        String q = queue();
        pushOnePerPartition(q, 0, 50, "x");
        JsonArray messages = pop(q, "batch=20&partitions=7");
        Set<String> partitions = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            partitions.add(messages.getJsonObject(i).getString("partitionId"));
        }
        assertEquals(7, messages.size());
        assertEquals(7, partitions.size());
    }

    @Test
    void anExpiredLeaseBringsThePartitionBack() throws Exception {
        String q = queue();
        Http.Response configured = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("leaseTime", 1)));
        assertEquals(200, configured.status(), configured.body());
        push(q, "only", new JsonObject().put("p", 7));
        JsonArray first = pop(q, "batch=1");
        assertEquals(1, first.size());
        assertEquals(0, pop(q, "batch=1").size(), "leased: not handed out twice");
        Thread.sleep(1_300);
        JsonArray again = pop(q, "batch=1");
        assertEquals(1, again.size(), "redelivered after the lease expired");
        assertEquals(first.getJsonObject(0).getString("id"), again.getJsonObject(0).getString("id"));
        assertNotEquals(first.getJsonObject(0).getString("leaseId"), again.getJsonObject(0).getString("leaseId"));
    }

    @Test
    void aFailedAckMakesThePartitionVisibleAtOnce() {
        String q = queue();
        push(q, "only", new JsonObject().put("p", 1));
        JsonObject m = pop(q, "batch=1").getJsonObject(0);
        Http.Response ack = http.post("/api/v1/ack", new JsonObject().put("transactionId", m.getString("transactionId"))
                .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                .put("status", "failed").put("error", "try again"));
        assertEquals(200, ack.status(), ack.body());
        assertEquals(m.getString("id"), pop(q, "batch=1").getJsonObject(0).getString("id"));
    }

    @Test
    void newGroupsStartWhereTheirSubscriptionSays() throws Exception {
        String q = queue();
        pushOnePerPartition(q, 0, 3000, "old");
        Thread.sleep(20);
        String middle = Instant.now().toString();
        Thread.sleep(20);
        pushOnePerPartition(q, 3000, 1000, "middle");

        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=all-" + q), 0, 4000);
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=from-" + q + "&subscriptionFrom=" + middle), 3000, 1000);
        assertEquals(List.of(), drain(q, "batch=100&partitions=50&consumerGroup=new-" + q + "&subscriptionMode=new"));

        pushOnePerPartition(q, 4000, 500, "late");
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=new-" + q), 4000, 500);
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=all-" + q), 4000, 500);
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=from-" + q), 4000, 500);
    }

    @Test
    void seekAndGroupDeletionMakeOldPartitionsVisibleAgain() {
        String q = queue();
        String group = "g-" + q;
        Instant before = Instant.now().minusSeconds(1);
        pushOnePerPartition(q, 0, 2500, "x");
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=" + group), 0, 2500);

        Http.Response seek = http.post("/api/v1/consumer-groups/" + group + "/queues/" + q + "/seek",
                new JsonObject().put("timestamp", before.toString()));
        assertEquals(200, seek.status(), seek.body());
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=" + group), 0, 2500);

        Http.Response deleted = http.delete("/api/v1/consumer-groups/" + group);
        assertEquals(200, deleted.status(), deleted.body());
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=" + group), 0, 2500);
    }

    @Test
    void watermarkRowsWrittenByOtherToolsFollowTheContract() throws Exception {
        String q = queue();
        pushOnePerPartition(q, 0, 3000, "x");
        assertEachOnce(drain(q, "batch=100&partitions=50"), 0, 3000);

        // a tool rewinds the cursors by hand and, as the contract asks, deletes the watermark
        env.sql.execute("UPDATE queen.partition_consumers pc SET last_consumed_created_at = NULL, "
                + "last_consumed_id = '00000000-0000-0000-0000-000000000000' FROM queen.partitions pt, queen.queues qu "
                + "WHERE pt.id = pc.partition_id AND qu.id = pt.queue_id AND qu.name = ?", q);
        env.sql.execute("DELETE FROM queen.consumer_watermarks WHERE queue_name = ?", q);
        assertEachOnce(drain(q, "batch=100&partitions=50"), 0, 3000);

        // the reference's "empty scan" mark cannot hide partitions with messages here
        env.sql.execute("UPDATE queen.consumer_watermarks SET last_empty_scan_at = now() + interval '1 day' "
                + "WHERE queue_name = ?", q);
        pushOnePerPartition(q, 3000, 10, "after");
        assertEachOnce(drain(q, "batch=100&partitions=50"), 3000, 10);

        // a watermark row inserted by a tool for a group that never popped: a full walk
        String group = "tool-" + q;
        env.sql.execute("INSERT INTO queen.consumer_watermarks (queue_name, consumer_group, last_empty_scan_at) "
                + "VALUES (?, ?, now())", q, group);
        assertEachOnce(drain(q, "batch=100&partitions=50&consumerGroup=" + group), 0, 3010);
    }

    @Test
    void pushesRacingWithANewGroupAreNeverLost() throws Exception {
        String q = queue();
        int before = 2000;
        pushOnePerPartition(q, 0, before, "before");
        int writers = 4;
        int each = 300;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        List<Future<?>> pushes = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int base = before + w * each;
            pushes.add(pool.submit(() -> {
                for (int i = base; i < base + each; i++) {
                    // half into existing partitions' neighbours, half into brand-new ones
                    push(q, "p" + i, new JsonObject().put("p", i));
                }
            }));
        }
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        String group = "racer-" + q;
        Future<?> consumer = pool.submit(() -> {
            long deadline = System.currentTimeMillis() + 60_000;
            while (seen.size() < before + writers * each && System.currentTimeMillis() < deadline) {
                JsonArray messages = pop(q, "batch=20&partitions=5&autoAck=true&consumerGroup=" + group);
                for (int i = 0; i < messages.size(); i++) {
                    int p = messages.getJsonObject(i).getJsonObject("data").getInteger("p");
                    assertTrue(seen.add(p), "p" + p + " delivered twice");
                }
            }
        });
        for (Future<?> f : pushes) {
            f.get(60, TimeUnit.SECONDS);
        }
        consumer.get(90, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(before + writers * each, seen.size());
    }

    @Test
    void anIdleGroupLeavesNoReadyRowsBehind() {
        String q = queue();
        pushOnePerPartition(q, 0, 1500, "x");
        assertEachOnce(drain(q, "batch=100&partitions=50"), 0, 1500);
        // everything consumed: nothing left for later pops to look at
        assertEquals(0, env.sql.count("SELECT count(*) FROM queen.partition_ready r JOIN queen.queues q "
                + "ON q.id = r.queue_id WHERE q.name = '" + q + "'"));
        assertEquals(0, pop(q, "batch=1").size());
    }
}
