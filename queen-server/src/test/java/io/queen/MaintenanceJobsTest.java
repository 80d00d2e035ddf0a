package io.queen;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Retention and eviction jobs on a server of its own whose jobs run every second. The
 * database is started separately so the test can count rows and age them with JDBC.
 */
class MaintenanceJobsTest {
    private static ServerOnOwnDatabase own;
    private static TestServer server;
    private static QueueClient client;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-jobs",
                "RETENTION_INTERVAL", "1000", "EVICTION_INTERVAL", "1000", "RETENTION_BATCH_SIZE", "2");
        server = own.server;
        client = new QueueClient(server.http);
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void retentionDeletesOldMessagesConsumedOrNot() throws Exception {
        String q = configure(new JsonObject().put("retentionEnabled", true).put("retentionSeconds", 1));
        // more than one batch (RETENTION_BATCH_SIZE=2), one of them consumed
        client.pushMany(q, "p1", List.of("a", "b", "c", "d", "e"));
        client.pushMany(q, "p2", List.of("f"));
        assertEquals(List.of("a"), client.popTransactionIds(q, null, 1, true));

        TestSql.awaitValue(0, () -> messages(q));
        // the cycle records its history once its last batch is done, after the deletions commit
        TestSql.awaitValue(6, () -> own.sql.count("SELECT coalesce(sum(rh.messages_deleted), 0)"
                + " FROM queen.retention_history rh " + partitionOf(q) + " AND rh.retention_type = 'retention'"));
        // partition_lookup still names partitions whose newest message is gone: pops must see nothing
        assertEquals(204, server.http.get("/api/v1/pop/queue/" + q + "?batch=10").status());
        assertEquals(204, server.http.get("/api/v1/pop/queue/" + q + "?batch=10&consumerGroup=g").status());
        assertEquals(204, server.http.get("/api/v1/pop/queue/" + q + "/partition/p1?batch=10").status());
        // and new messages are delivered as usual
        client.pushMany(q, "p1", List.of("g"));
        assertEquals(List.of("g"), client.popTransactionIds(q, null, 10, true));
        assertEquals(List.of("g"), client.popTransactionIds(q, "g", 10, true));
    }

    @Test
    void completedRetentionDeletesOnlyWhatEveryGroupConsumed() throws Exception {
        String q = configure(new JsonObject().put("retentionEnabled", true).put("completedRetentionSeconds", 1));
        client.pushMany(q, "p", List.of("m1", "m2", "m3", "m4", "m5"));
        assertEquals(List.of("m1", "m2", "m3"), client.popTransactionIds(q, null, 3, true));
        assertEquals(List.of("m1", "m2"), client.popTransactionIds(q, "billing", 2, true));

        // the lowest cursor (billing, at m2) decides
        TestSql.awaitValue(3, () -> messages(q));
        Thread.sleep(2500);
        assertEquals(3, messages(q), "nothing past the lowest cursor goes");
        assertEquals(2, own.sql.count("SELECT coalesce(sum(rh.messages_deleted), 0) FROM queen.retention_history rh "
                + partitionOf(q) + " AND rh.retention_type = 'completed_retention'"));
        assertEquals(List.of("m4", "m5"), client.popTransactionIds(q, null, 10, true));
        assertEquals(List.of("m3", "m4", "m5"), client.popTransactionIds(q, "billing", 10, true));
        TestSql.awaitValue(0, () -> messages(q));
    }

    @Test
    void completedRetentionWaitsForGroupsWithoutCursor() throws Exception {
        String q = configure(new JsonObject().put("retentionEnabled", true).put("completedRetentionSeconds", 1));
        client.pushMany(q, "p", List.of("x1", "x2"));
        assertEquals(List.of("x1", "x2"), client.popTransactionIds(q, null, 2, true));
        // a group that leased the partition but has consumed nothing yet
        try (Connection c = own.connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO queen.partition_consumers (partition_id, consumer_group) "
                        + "SELECT pt.id, 'late' FROM queen.partitions pt JOIN queen.queues qu ON qu.id = pt.queue_id "
                        + "WHERE qu.name = ? AND pt.name = 'p'")) {
            s.setString(1, q);
            assertEquals(1, s.executeUpdate());
        }
        Thread.sleep(3000);
        assertEquals(2, messages(q));
    }

    @Test
    void evictionDeletesOnlyUnconsumedMessagesPastMaxWait() throws Exception {
        String q = configure(new JsonObject().put("maxWaitTimeSeconds", 1));
        client.pushMany(q, "p", List.of("e1", "e2", "e3"));
        client.pushMany(q, "nobody", List.of("n1"));
        assertEquals(List.of("e1"), client.popTransactionIds(q, null, 1, true));

        TestSql.awaitValue(1, () -> messages(q));
        assertEquals(1, own.sql.count("SELECT count(*) FROM queen.messages m JOIN queen.partitions pt ON pt.id = m.partition_id "
                + "JOIN queen.queues qu ON qu.id = pt.queue_id WHERE qu.name = '" + q + "' AND m.transaction_id = 'e1'"));
        assertEquals(3, own.sql.count("SELECT coalesce(sum(rh.messages_deleted), 0) FROM queen.retention_history rh "
                + partitionOf(q) + " AND rh.retention_type = 'max_wait_time_eviction'"));
        assertEquals(204, server.http.get("/api/v1/pop/queue/" + q + "?batch=10").status());
        client.pushMany(q, "p", List.of("e4"));
        assertEquals(List.of("e4"), client.popTransactionIds(q, null, 10, true));
    }

    @Test
    void queuesWithoutTheseOptionsKeepEverything() throws Exception {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("k1", "k2", "k3"));
        String enabledOnly = configure(new JsonObject().put("retentionEnabled", true));
        client.pushMany(enabledOnly, "p", List.of("k1"));
        String secondsOnly = configure(new JsonObject().put("retentionSeconds", 1).put("completedRetentionSeconds", 1));
        client.pushMany(secondsOnly, "p", List.of("k1"));
        assertEquals(List.of("k1"), client.popTransactionIds(secondsOnly, null, 1, true));
        Thread.sleep(3500);
        assertEquals(3, messages(q));
        assertEquals(1, messages(enabledOnly));
        assertEquals(1, messages(secondsOnly));
        assertEquals(List.of("k1", "k2", "k3"), client.popTransactionIds(q, null, 10, true));
    }

    @Test
    void emptyInactivePartitionsAndOldMetricsRowsAreDeleted() throws Exception {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "idle", List.of("i1"));
        client.pushMany(q, "busy", List.of("b1"));
        assertEquals(List.of("i1"), client.popTransactionIds(q, null, 1, true)); // oldest partition first
        assertEquals(List.of("b1"), client.popTransactionIds(q, null, 1, true));
        String pid = "(SELECT pt.id FROM queen.partitions pt JOIN queen.queues qu ON qu.id = pt.queue_id "
                + "WHERE qu.name = '" + q + "' AND pt.name = 'idle')";
        // "idle" becomes an empty partition unused for 40 days; "busy" keeps its message
        own.sql.execute("DELETE FROM queen.messages WHERE partition_id = " + pid);
        own.sql.execute("UPDATE queen.partition_consumers SET created_at = now() - interval '40 days', "
                + "last_consumed_at = now() - interval '40 days' WHERE partition_id = " + pid);
        own.sql.execute("UPDATE queen.partition_lookup SET updated_at = now() - interval '40 days' WHERE partition_id = " + pid);
        own.sql.execute("INSERT INTO queen.retention_history (partition_id, messages_deleted, retention_type, executed_at) "
                + "SELECT " + pid + ", 1, 'retention', now() - interval '100 days'");
        own.sql.execute("INSERT INTO queen.messages_consumed (partition_id, acked_at) "
                + "SELECT pt.id, now() - interval '100 days' FROM queen.partitions pt JOIN queen.queues qu "
                + "ON qu.id = pt.queue_id WHERE qu.name = '" + q + "' AND pt.name = 'busy'");
        Thread.sleep(2500);
        assertEquals(2, partitions(q), "a partition with recent activity stays");
        own.sql.execute("UPDATE queen.partitions SET created_at = now() - interval '40 days', "
                + "last_activity = now() - interval '40 days' WHERE id = " + pid);

        TestSql.awaitValue(1, () -> partitions(q));
        TestSql.awaitValue(0, () -> own.sql.count("SELECT count(*) FROM queen.messages_consumed WHERE acked_at < now() - interval '90 days'"));
        TestSql.awaitValue(0, () -> own.sql.count("SELECT count(*) FROM queen.retention_history WHERE executed_at < now() - interval '90 days'"));
        // a push to the deleted partition creates it anew and is delivered
        client.pushMany(q, "idle", List.of("i2"));
        assertEquals(List.of("i2"), client.popTransactionIds(q, null, 10, true));
    }

    @Test
    void anIdlePartitionAStreamsQueryKeepsStateForIsNotDeleted() throws Exception {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "windowed", List.of("w1"));
        client.pushMany(q, "plain", List.of("p1"));
        assertEquals(1, client.popTransactionIds(q, null, 10, true).size());
        assertEquals(1, client.popTransactionIds(q, null, 10, true).size());
        String query = "q-" + java.util.UUID.randomUUID();
        StreamsClient streams = new StreamsClient(server.http);
        String queryId = streams.register(query, q, null, "h", false);
        String windowed = "(SELECT pt.id FROM queen.partitions pt JOIN queen.queues qu ON qu.id = pt.queue_id "
                + "WHERE qu.name = '" + q + "' AND pt.name = 'windowed')";
        String windowedId = own.sql.text("SELECT " + windowed + "::text");
        // an open window that waits for its idle flush
        assertEquals(true, streams.cycle(StreamsClient.cycleBody(queryId, windowedId, StreamsClient.group(query),
                new io.vertx.core.json.JsonArray().add(StreamsClient.upsert("sess:30\u001fopen\u001fk",
                        new JsonObject().put("acc", 5))), new io.vertx.core.json.JsonArray(), null))
                .getValue("success"));
        // both partitions: empty, unused for 40 days
        String both = "(SELECT pt.id FROM queen.partitions pt JOIN queen.queues qu ON qu.id = pt.queue_id "
                + "WHERE qu.name = '" + q + "')";
        own.sql.execute("DELETE FROM queen.messages WHERE partition_id IN " + both);
        own.sql.execute("UPDATE queen.partition_consumers SET created_at = now() - interval '40 days', "
                + "last_consumed_at = now() - interval '40 days' WHERE partition_id IN " + both);
        own.sql.execute("UPDATE queen.partition_lookup SET updated_at = now() - interval '40 days' "
                + "WHERE partition_id IN " + both);
        own.sql.execute("UPDATE queen.partitions SET created_at = now() - interval '40 days', "
                + "last_activity = now() - interval '40 days' WHERE id IN " + both);

        TestSql.awaitValue(1, () -> partitions(q));
        assertEquals(1, own.sql.count("SELECT count(*) FROM queen.partitions WHERE id = " + windowed));
        assertEquals(1, StreamsClient.rows(streams.stateGet(new JsonObject().put("query_id", queryId)
                .put("partition_id", windowedId))).size(), "the query's open window is still there");
        // once the query's state is gone (its group deleted), the partition goes too
        assertEquals(200, server.http.delete("/api/v1/consumer-groups/" + StreamsClient.group(query)).status());
        TestSql.awaitValue(0, () -> partitions(q));
    }

    private String configure(JsonObject options) {
        String q = QueueClient.uniqueQueue();
        Http.Response r = server.http.post("/api/v1/configure", new JsonObject().put("queue", q).put("options", options));
        assertEquals(200, r.status(), r.body());
        return q;
    }

    private static String partitionOf(String queue) {
        return "JOIN queen.partitions pt ON pt.id = rh.partition_id JOIN queen.queues qu ON qu.id = pt.queue_id "
                + "WHERE qu.name = '" + queue + "'";
    }

    private long partitions(String queue) {
        return own.sql.count("SELECT count(*) FROM queen.partitions pt JOIN queen.queues qu ON qu.id = pt.queue_id "
                + "WHERE qu.name = '" + queue + "'");
    }

    private long messages(String queue) {
        return own.sql.count("SELECT count(*) FROM queen.messages m JOIN queen.partitions pt ON pt.id = m.partition_id "
                + "JOIN queen.queues qu ON qu.id = pt.queue_id WHERE qu.name = '" + queue + "'");
    }
}
