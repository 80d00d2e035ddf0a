package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistics fast path moves each group's count of pending messages along from its previous
 * count (the messages added since, less those consumed, plus those a cursor moved back over)
 * instead of counting the backlog again. On a server of its own whose reconcile (the full
 * recount) never runs by itself, so that a count that went wrong would stay wrong here.
 */
class StatsPendingCountTest {
    private static ServerOnOwnDatabase own;
    private static Http http;
    private static QueueClient client;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-stats-pending",
                "STATS_INTERVAL_MS", "200", "STATS_RECONCILE_INTERVAL_MS", "86400000");
        http = own.server.http;
        client = new QueueClient(http);
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void aCountIsMovedAlongNotRecounted() throws Exception {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("m1", "m2", "m3", "m4", "m5", "m6"));
        QueueClient.ackAll(http, pop(q, "p", "g1", 2), "g1");
        String g1 = "SELECT total_messages || ' ' || pending_messages FROM queen.stats WHERE stat_type = 'partition'"
                + " AND consumer_group = 'g1' AND partition_id = " + partition(q, "p");
        awaitTrue(() -> strings(g1).equals(List.of("6 4")), () -> strings(g1).toString());

        // proof that the count is moved along: one that is wrong stays wrong by as much
        execute("UPDATE queen.stats SET counted_after = counted_after + 100 WHERE stat_type = 'partition'"
                + " AND consumer_group = 'g1' AND partition_id = " + partition(q, "p"));
        client.pushMany(q, "p", List.of("m7"));
        awaitTrue(() -> strings(g1).equals(List.of("7 105")), () -> strings(g1).toString());
        QueueClient.ackAll(http, pop(q, "p", "g1", 3), "g1");
        awaitTrue(() -> strings(g1).equals(List.of("7 102")), () -> strings(g1).toString());

        // the reconcile counts in full
        assertEquals(200, http.post("/api/v1/stats/refresh", (String) null).status());
        assertEquals(List.of("7 2"), strings(g1));
    }

    /**
     * A seek to the end and the deletion of a group change the figures at the next cycle, with
     * no push or ack after them and no reconcile (this server's never runs by itself).
     */
    @Test
    void seeksAndGroupDeletionsNeedNoReconcile() throws Exception {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("m1", "m2", "m3", "m4"));
        QueueClient.ackAll(http, pop(q, "p", "g1", 1), "g1");
        QueueClient.ackAll(http, pop(q, "p", "g2", 1), "g2");
        awaitTrue(() -> figures(q).equals(truth(q)) && figures(q).size() == 2, () -> figures(q).toString());
        assertEquals("4 3", figures(q).get("p/g1"));

        Http.Response seek = http.post("/api/v1/consumer-groups/g1/queues/" + q + "/seek",
                new JsonObject().put("toEnd", true));
        assertEquals(200, seek.status(), seek.body());
        awaitTrue(() -> "4 0".equals(figures(q).get("p/g1")), () -> figures(q).toString());

        Http.Response seekPartition = http.post("/api/v1/consumer-groups/g2/queues/" + q + "/partitions/p/seek",
                (String) null);
        assertEquals(200, seekPartition.status(), seekPartition.body());
        awaitTrue(() -> "4 0".equals(figures(q).get("p/g2")), () -> figures(q).toString());

        assertEquals(200, http.delete("/api/v1/consumer-groups/g1/queues/" + q).status());
        awaitTrue(() -> !figures(q).containsKey("p/g1"), () -> figures(q).toString());
        assertEquals(200, http.delete("/api/v1/consumer-groups/g2").status());
        awaitTrue(() -> !figures(q).containsKey("p/g2"), () -> figures(q).toString());
        assertEquals(truth(q), figures(q));
    }

    /**
     * Random pushes, pops (acked or auto-acked) and seeks back in time over three partitions and
     * two groups, plus a queue nobody consumes: after every step the fast path's figures equal a
     * count of the messages after each cursor.
     */
    @Test
    void movedAlongCountsStayExactThroughRandomTraffic() throws Exception {
        String q = QueueClient.uniqueQueue();
        String idle = QueueClient.uniqueQueue();
        List<String> partitions = List.of("a", "b", "c");
        List<String> groups = List.of("g1", "g2");
        Random random = new Random(15);
        List<Instant> pushTimes = new ArrayList<>();
        int n = 0;
        for (String p : partitions) {
            client.pushMany(q, p, ids("seed-" + p, 5));
        }
        for (int step = 0; step < 40; step++) {
            String p = partitions.get(random.nextInt(partitions.size()));
            String g = groups.get(random.nextInt(groups.size()));
            String did;
            switch (random.nextInt(5)) {
                case 0 -> {
                    pushTimes.add(Instant.now());
                    client.pushMany(q, p, ids("s" + step, 1 + random.nextInt(4)));
                    did = "push to " + p;
                }
                case 1, 2 -> {
                    JsonArray got = popAny(q, p, g, 1 + random.nextInt(4), false);
                    QueueClient.ackAll(http, got, g);
                    did = g + " popped and acked " + got.size() + " of " + p;
                }
                case 3 -> {
                    JsonArray got = popAny(q, p, g, 1 + random.nextInt(4), true);
                    did = g + " auto-acked " + got.size() + " of " + p;
                }
                default -> {
                    // back to before a random earlier push, on every partition: the seek lists
                    // them for the next cycle itself (no push follows that would)
                    Instant to = pushTimes.isEmpty() ? Instant.now().minusSeconds(60)
                            : pushTimes.get(random.nextInt(pushTimes.size()));
                    Http.Response r = http.post("/api/v1/consumer-groups/" + g + "/queues/" + q + "/seek",
                            new JsonObject().put("timestamp", to.toString()));
                    assertEquals(200, r.status(), r.body());
                    did = g + " sought back to " + to;
                }
            }
            client.pushMany(idle, p, ids("idle-" + (n++), 1));
            String step0 = "step " + step + " (" + did + ")";
            awaitTrue(() -> figures(q).equals(truth(q)) && figures(idle).equals(truth(idle)),
                    () -> step0 + ": stats " + figures(q) + " " + figures(idle)
                            + ", counted " + truth(q) + " " + truth(idle));
        }
    }

    private static List<String> ids(String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + "-" + i + "-" + UUID.randomUUID());
        }
        return out;
    }

    /** "group total pending" of each partition row of the queue's stats. */
    private static TreeMap<String, String> figures(String queue) {
        return rows("SELECT pt.name || '/' || s.consumer_group, s.total_messages || ' ' || s.pending_messages"
                + " FROM queen.stats s JOIN queen.partitions pt ON pt.id = s.partition_id"
                + " JOIN queen.queues q ON q.id = pt.queue_id"
                + " WHERE s.stat_type = 'partition' AND q.name = '" + queue + "'");
    }

    /** The same, counted from the messages after each cursor (nothing is leased between steps). */
    private static TreeMap<String, String> truth(String queue) {
        return rows("SELECT pt.name || '/' || coalesce(pc.consumer_group, '__QUEUE_MODE__'),"
                + " (SELECT count(*) FROM queen.messages m WHERE m.partition_id = pt.id) || ' ' ||"
                + " (SELECT count(*) FROM queen.messages m WHERE m.partition_id = pt.id"
                + "   AND (pc.last_consumed_created_at IS NULL"
                + "        OR (m.created_at, m.id) > (pc.last_consumed_created_at, pc.last_consumed_id)))"
                + " FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id"
                + " LEFT JOIN queen.partition_consumers pc ON pc.partition_id = pt.id"
                + " WHERE q.name = '" + queue + "'");
    }

    private static String partition(String queue, String name) {
        return "(SELECT pt.id FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id"
                + " WHERE q.name = '" + queue + "' AND pt.name = '" + name + "')";
    }

    /** Pops a partition and answers the messages (asserting there were some). */
    private static JsonArray pop(String queue, String partition, String group, int batch) {
        JsonArray got = popAny(queue, partition, group, batch, false);
        assertTrue(got.size() > 0, "nothing to pop");
        return got;
    }

    /** Pops a partition without waiting; may answer no message. */
    private static JsonArray popAny(String queue, String partition, String group, int batch, boolean autoAck) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "/partition/" + partition + "?batch=" + batch
                + "&wait=false&consumerGroup=" + group + (autoAck ? "&autoAck=true" : ""));
        assertTrue(r.status() == 200 || r.status() == 204, r.status() + " " + r.body());
        return r.status() == 204 ? new JsonArray() : r.json().getJsonArray("messages");
    }

    private static void awaitTrue(Supplier<Boolean> condition, Supplier<String> describe) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.get()) {
            assertTrue(System.currentTimeMillis() < deadline, describe.get());
            Thread.sleep(50);
        }
    }

    private static TreeMap<String, String> rows(String sql) {
        try (Connection c = own.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            TreeMap<String, String> out = new TreeMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static List<String> strings(String sql) {
        return new ArrayList<>(rows("SELECT x, x FROM (" + sql + ") t(x)").keySet());
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = own.connect(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}
