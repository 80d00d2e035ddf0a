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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statistics job and the status / analytics endpoints, on a server of its own whose stats
 * fast path runs twice a second. The database is started separately so the test can read the
 * stats tables, hold the job's lock and write metrics fixtures with JDBC.
 */
class StatsTest {
    /** The stats job's advisory lock key (JobLock.STATS). */
    private static final long STATS_LOCK = 0x5155454e53544154L;

    private static ServerOnOwnDatabase own;
    private static Http http;
    private static QueueClient client;

    @BeforeAll
    static void start() throws Exception {
        // metrics kept for a century: the fixtures are dated 2021, and the retention job runs
        // every second here
        own = ServerOnOwnDatabase.start("queen-stats",
                "STATS_INTERVAL_MS", "500", "STATS_RECONCILE_INTERVAL_MS", "3000", "RETENTION_INTERVAL", "1000",
                "METRICS_RETENTION_DAYS", "36500");
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
    void queueOpsReportPartitionsCreatedAndDeleted() throws Exception {
        String q = QueueClient.uniqueQueue();
        for (String p : List.of("a", "b", "c")) {
            client.pushMany(q, p, List.of(p + "-1"));
        }
        // summed over the buckets: the pushes may fall into one minute and the next count into
        // the following one (which then reports 0 created)
        TestSql.awaitValue(3, () -> queueOpsTotal(q, "partitionsCreated"));
        TestSql.awaitValue(3, () -> queueOps(q, "partitionCount"));
        assertEquals(0, queueOpsTotal(q, "partitionsDeleted"));
    }

    /** A figure of the queue summed over all its buckets in /analytics/queue-ops. */
    private static long queueOpsTotal(String queue, String field) {
        JsonArray series = http.get("/api/v1/analytics/queue-ops?queue=" + queue).json().getJsonArray("series");
        long total = 0;
        for (int i = 0; i < series.size(); i++) {
            total += series.getJsonObject(i).getLong(field);
        }
        return total;
    }

    /** A figure of the queue's newest bucket in /analytics/queue-ops (0 while it has none). */
    private static long queueOps(String queue, String field) {
        JsonArray series = http.get("/api/v1/analytics/queue-ops?queue=" + queue).json().getJsonArray("series");
        long newest = 0;
        String newestBucket = "";
        for (int i = 0; i < series.size(); i++) {
            JsonObject point = series.getJsonObject(i);
            if (point.getString("bucket").compareTo(newestBucket) > 0) {
                newestBucket = point.getString("bucket");
                newest = point.getLong(field);
            }
        }
        return newest;
    }

    @Test
    void refreshComputesExactFiguresThatStatusShows() throws Exception {
        String nsA = "ns-" + UUID.randomUUID();
        String nsB = "ns-" + UUID.randomUUID();
        String taskA = "task-" + UUID.randomUUID();
        String qa = configure(nsA, taskA, new JsonObject().put("retryLimit", 0));
        String qb = configure(nsB, "", new JsonObject());
        client.pushMany(qa, "p1", List.of("a1", "a2", "a3", "a4", "a5"));
        client.pushMany(qa, "p2", List.of("b1", "b2", "b3"));
        client.pushMany(qb, "Default", List.of("c1", "c2", "c3", "c4"));

        // qa/p1: two acked, two leased and not acked, one waiting
        QueueClient.ackAll(http, pop(qa, "p1", null, 2), null);
        assertEquals(2, pop(qa, "p1", null, 2).size());
        // qa/p2: the first one fails into the DLQ (retryLimit 0), two waiting
        JsonObject failed = pop(qa, "p2", null, 1).getJsonObject(0);
        Http.Response ack = http.post("/api/v1/ack/batch", new JsonObject().put("acknowledgments", new JsonArray()
                .add(new JsonObject().put("transactionId", failed.getString("transactionId"))
                        .put("partitionId", failed.getString("partitionId")).put("leaseId", failed.getString("leaseId"))
                        .put("status", "failed").put("error", "boom"))));
        assertEquals(true, ack.array().getJsonObject(0).getValue("dlq"), ack.body());
        // qb: queue mode consumed one, consumer group g1 three
        QueueClient.ackAll(http, pop(qb, "Default", null, 1), null);
        QueueClient.ackAll(http, pop(qb, "Default", "g1", 3), "g1");

        Http.Response refresh = http.post("/api/v1/stats/refresh", (String) null);
        assertEquals(200, refresh.status(), refresh.body());
        JsonObject result = refresh.json();
        for (String part : List.of("partition", "queue", "namespace", "task", "system", "cleanup")) {
            assertNotNull(result.getJsonObject(part), part + " in " + result);
        }
        assertTrue(result.getJsonObject("partition").getLong("written") >= 4, result.encode());
        assertEquals(1, result.getJsonObject("system").getLong("written"), result.encode());

        JsonObject a = status("namespace=" + nsA);
        assertCounts(a.getJsonObject("messages"), 8, 3, 2, 2, 1);
        assertEquals(new JsonObject().put("active", 1).put("partitionsWithLeases", 1).put("totalBatchSize", 2)
                .put("totalAcked", 0), a.getJsonObject("leases"));
        JsonObject dlq = a.getJsonObject("deadLetterQueue");
        assertEquals(1, dlq.getLong("totalMessages"));
        assertEquals(1, dlq.getLong("affectedPartitions"));
        assertEquals("boom", dlq.getJsonArray("topErrors").getJsonObject(0).getString("error"));
        assertEquals(1, dlq.getJsonArray("topErrors").getJsonObject(0).getLong("count"));
        JsonArray queues = a.getJsonArray("queues");
        assertEquals(1, queues.size(), queues.encode());
        assertEquals(qa, queues.getJsonObject(0).getString("name"));
        assertEquals(nsA, queues.getJsonObject(0).getString("namespace"));
        assertEquals(taskA, queues.getJsonObject(0).getString("task"));
        assertEquals(3, queues.getJsonObject(0).getLong("partitions"), "p1, p2 and the Default one of configure");
        assertEquals(2, queues.getJsonObject(0).getLong("totalConsumed"));
        assertTrue(a.getLong("statsAge") <= 5, a.encode());
        // the same queue through the other filters
        assertEquals(a.getJsonObject("messages"), status("task=" + taskA).getJsonObject("messages"));
        assertEquals(a.getJsonObject("messages"), status("queue=" + qa).getJsonObject("messages"));

        JsonObject b = status("namespace=" + nsB);
        // the queue-mode view of the partition counts; g1 is further ahead
        assertCounts(b.getJsonObject("messages"), 4, 3, 0, 1, 0);
        assertEquals(0, b.getJsonObject("leases").getLong("active"));
        assertEquals(0, b.getJsonObject("deadLetterQueue").getLong("totalMessages"));
        assertEquals(4, b.getJsonArray("queues").getJsonObject(0).getLong("totalConsumed"));
        String partitionB = "(SELECT pt.id FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id "
                + "WHERE q.name = '" + qb + "')";
        assertEquals(List.of("__QUEUE_MODE__ 4 3 0 1 0", "g1 4 1 0 3 0"), strings(
                "SELECT consumer_group || ' ' || total_messages || ' ' || pending_messages || ' ' || processing_messages"
                        + " || ' ' || completed_messages || ' ' || dead_letter_messages FROM queen.stats"
                        + " WHERE stat_type = 'partition' AND partition_id = " + partitionB + " ORDER BY consumer_group"));
        assertEquals(List.of("3"), strings("SELECT child_count::text FROM queen.stats WHERE stat_type = 'queue' "
                + "AND stat_key = '" + qa + "'"));

        // without filters: the system row, over every message of the database
        JsonObject all = status("");
        long messages = Long.parseLong(strings("SELECT count(*)::text FROM queen.messages").get(0));
        assertEquals(messages, all.getJsonObject("messages").getLong("total"));
        assertTrue(all.getJsonArray("queues").size() >= 2);
    }

    @Test
    void statsFollowTrafficWithoutRefresh() throws Exception {
        String ns = "ns-" + UUID.randomUUID();
        String q = configure(ns, "", new JsonObject());
        client.pushMany(q, "p", List.of("x1", "x2", "x3"));
        awaitTrue(() -> counts(status("namespace=" + ns)).equals(List.of(3L, 3L, 0L, 0L, 0L)),
                () -> status("namespace=" + ns).encode());
        QueueClient.ackAll(http, pop(q, "p", null, 1), null);
        awaitTrue(() -> counts(status("namespace=" + ns)).equals(List.of(3L, 2L, 0L, 1L, 0L)),
                () -> status("namespace=" + ns).encode());
        JsonArray leased = pop(q, "p", null, 2);
        awaitTrue(() -> counts(status("namespace=" + ns)).equals(List.of(3L, 0L, 2L, 1L, 0L)),
                () -> status("namespace=" + ns).encode());
        QueueClient.ackAll(http, leased, null);
        awaitTrue(() -> counts(status("namespace=" + ns)).equals(List.of(3L, 0L, 0L, 3L, 0L)),
                () -> status("namespace=" + ns).encode());
        // the roll-ups are snapshotted into this minute's history bucket
        awaitTrue(() -> strings("SELECT completed_messages::text FROM queen.stats_history WHERE stat_type = "
                        + "'namespace' AND stat_key = '" + ns + "' ORDER BY bucket_time DESC LIMIT 1").equals(List.of("3")),
                () -> strings("SELECT * FROM queen.stats_history WHERE stat_key = '" + ns + "'").toString());
    }

    @Test
    void depthOverTimeComesFromTheSnapshots() throws Exception {
        String q = configure("", "", new JsonObject());
        client.pushMany(q, "p", List.of("d1", "d2", "d3", "d4"));
        QueueClient.ackAll(http, pop(q, "p", null, 1), null);
        // three pending in this minute's snapshot of the queue, and in the system's
        awaitTrue(() -> lastDepth("?queue=" + q).equals(List.of(3L, 0L, 0L)), () -> depth("?queue=" + q).encode());
        JsonObject system = depth("");
        assertTrue(system.getJsonArray("timeSeries").size() >= 1, system.encode());
        assertEquals(null, system.getValue("queue"));
        assertEquals(400, http.get("/api/v1/analytics/depth?from=yesterday").status());
    }

    private JsonObject depth(String query) {
        Http.Response r = http.get("/api/v1/analytics/depth" + query);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    /** pending, processing and dead letters of the newest bucket, or an empty list. */
    private List<Long> lastDepth(String query) {
        JsonArray series = depth(query).getJsonArray("timeSeries");
        if (series.isEmpty()) {
            return List.of();
        }
        JsonObject last = series.getJsonObject(series.size() - 1);
        return List.of(last.getLong("pending"), last.getLong("processing"), last.getLong("deadLetter"));
    }

    @Test
    void fastPathAddsNewMessagesAndReconcileCorrectsDeletes() throws Exception {
        String q = configure("", "", new JsonObject());
        JsonArray pushed = client.pushMany(q, "p", List.of("n1", "n2"));
        awaitTrue(() -> counts(status("queue=" + q)).equals(List.of(2L, 2L, 0L, 0L, 0L)),
                () -> status("queue=" + q).encode());
        // counted on from the newest message seen before
        client.pushMany(q, "p", List.of("n3", "n4", "n5"));
        awaitTrue(() -> counts(status("queue=" + q)).equals(List.of(5L, 5L, 0L, 0L, 0L)),
                () -> status("queue=" + q).encode());
        // proof that it adds on: a wrong total stays wrong by as much (until a reconcile)
        String partitionId = pushed.getJsonObject(0).getString("partition_id");
        execute("UPDATE queen.stats SET total_messages = 100 WHERE stat_type = 'partition' "
                + "AND partition_id = '" + partitionId + "'");
        client.pushMany(q, "p", List.of("n6"));
        String partitionTotal = "SELECT total_messages::text FROM queen.stats WHERE stat_type = 'partition' "
                + "AND partition_id = '" + partitionId + "'";
        awaitTrue(() -> strings(partitionTotal).equals(List.of("101")), () -> strings(partitionTotal).toString());
        // a single delete leaves no trace the fast path looks for; a reconcile recounts
        assertEquals(200, http.delete("/api/v1/messages/" + partitionId + "/n1").status());
        assertEquals(200, http.post("/api/v1/stats/refresh", (String) null).status());
        assertCounts(status("queue=" + q).getJsonObject("messages"), 5, 5, 0, 0, 0);
    }

    @Test
    void groupsThatNoLongerExistLoseTheirRows() throws Exception {
        String q = configure("", "", new JsonObject());
        client.pushMany(q, "p", List.of("o1", "o2"));
        QueueClient.ackAll(http, pop(q, "p", "gone", 2), "gone");
        assertEquals(200, http.post("/api/v1/stats/refresh", "").status());
        String rows = "SELECT s.consumer_group FROM queen.stats s JOIN queen.partitions pt ON pt.id = s.partition_id "
                + "JOIN queen.queues q ON q.id = pt.queue_id WHERE q.name = '" + q + "' AND pt.name = 'p'";
        assertEquals(List.of("gone"), strings(rows));
        // the traffic is an hour old: the fast path sees no activity, only a reconcile finds the orphan
        String partition = "(SELECT pt.id FROM queen.partitions pt JOIN queen.queues q ON q.id = pt.queue_id "
                + "WHERE q.name = '" + q + "' AND pt.name = 'p')";
        execute("UPDATE queen.partition_consumers SET created_at = now() - interval '1 hour', "
                + "last_consumed_at = now() - interval '1 hour', lease_acquired_at = NULL, lease_expires_at = NULL "
                + "WHERE partition_id = " + partition);
        execute("UPDATE queen.partition_lookup SET updated_at = now() - interval '1 hour' WHERE partition_id = " + partition);
        assertEquals(200, http.delete("/api/v1/consumer-groups/gone/queues/" + q).status());
        JsonObject result = http.post("/api/v1/stats/refresh", "not json, ignored").json();
        // nobody consumes the partition now: it is counted through a queue-mode row
        assertEquals(List.of("__QUEUE_MODE__"), strings(rows));
        assertTrue(result.getJsonObject("cleanup").getLong("orphanPartitionRows") >= 1, result.encode());
        assertCounts(status("queue=" + q).getJsonObject("messages"), 2, 2, 0, 0, 0);
    }

    @Test
    void ratesComeFromTheDifferenceToThePreviousComputation() throws Exception {
        assertEquals(List.of("2"), strings("SELECT queen.stats_rate_v1(30, 10, now() - interval '10 seconds')::text"));
        assertEquals(List.of("0"), strings("SELECT queen.stats_rate_v1(5, 10, now() - interval '10 seconds')::text"));
        String q = configure("", "", new JsonObject());
        assertEquals(200, http.post("/api/v1/stats/refresh", (String) null).status());
        client.pushMany(q, "p", List.of("r1", "r2", "r3", "r4"));
        // the queue row is recomputed every cycle: the row keeps the previous reading it was rated on
        awaitTrue(() -> strings("SELECT prev_total_messages || ' ' || total_messages FROM queen.stats "
                        + "WHERE stat_type = 'queue' AND stat_key = '" + q + "'").equals(List.of("4 4")),
                () -> strings("SELECT prev_total_messages || ' ' || total_messages || ' ' || ingested_per_second "
                        + "FROM queen.stats WHERE stat_type = 'queue' AND stat_key = '" + q + "'").toString());
        assertEquals(List.of("true"), strings("SELECT (prev_computed_at < last_computed_at)::text FROM queen.stats "
                + "WHERE stat_type = 'queue' AND stat_key = '" + q + "'"));
    }

    @Test
    void reconcilePrunesOldHistory() throws Exception {
        execute("INSERT INTO queen.stats_history (stat_type, stat_key, bucket_time) VALUES "
                + "('system', 'system', now() - interval '8 days'), ('system', 'system', now() - interval '6 days')");
        JsonObject result = http.post("/api/v1/stats/refresh", (String) null).json();
        assertTrue(result.getJsonObject("cleanup").getLong("historyRows") >= 1, result.encode());
        assertEquals(List.of("1"), strings("SELECT count(*)::text FROM queen.stats_history "
                + "WHERE bucket_time < now() - interval '5 days'"));
    }

    @Test
    void refreshIsSkippedWhileAnotherInstanceHoldsTheLock() throws Exception {
        try (Connection c = own.connect(); Statement s = c.createStatement()) {
            // the fast path takes the lock twice a second for a moment
            awaitTrue(() -> tryLock(s), () -> "the stats lock stays taken");
            Http.Response r = http.post("/api/v1/stats/refresh", (String) null);
            assertEquals(200, r.status(), r.body());
            assertEquals(new JsonObject().put("skipped", true).put("reason", "another_instance_running"), r.json());
            s.execute("SELECT pg_advisory_unlock(" + STATS_LOCK + ")");
        }
        JsonObject done = http.post("/api/v1/stats/refresh", (String) null).json();
        assertFalse(done.containsKey("skipped"), done.encode());
    }

    @Test
    void analyticsCountsMessagesPerBucket() throws Exception {
        String q = configure("", "", new JsonObject());
        client.pushMany(q, "p", List.of("m1", "m2", "m3", "m4"));
        // moved back to fixed times, so the buckets are known
        execute("UPDATE queen.messages m SET created_at = t.at FROM (VALUES "
                + "('m1', timestamptz '2020-01-01T00:10:00Z'), ('m2', '2020-01-01T00:50:00Z'), "
                + "('m3', '2020-01-01T02:00:00Z'), ('m4', '2020-01-01T02:00:30Z')) t(txn, at) "
                + "WHERE m.transaction_id = t.txn AND m.partition_id = (SELECT pt.id FROM queen.partitions pt "
                + "JOIN queen.queues q ON q.id = pt.queue_id WHERE q.name = '" + q + "' AND pt.name = 'p')");
        JsonObject hours = analytics("interval=hour&queue=" + q + "&from=2020-01-01T00:00:00Z&to=2020-01-01T03:59:00Z");
        assertEquals("hour", hours.getString("interval"));
        assertEquals(List.of("2020-01-01T00:00:00.000Z 2", "2020-01-01T01:00:00.000Z 0",
                "2020-01-01T02:00:00.000Z 2", "2020-01-01T03:00:00.000Z 0"), points(hours));
        JsonObject minutes = analytics("interval=minute&queue=" + q + "&from=2020-01-01T01:59:00Z&to=2020-01-01T02:01:00Z");
        assertEquals(List.of("2020-01-01T01:59:00.000Z 0", "2020-01-01T02:00:00.000Z 2", "2020-01-01T02:01:00.000Z 0"),
                points(minutes));
        JsonObject days = analytics("interval=day&queue=" + q + "&from=2019-12-31T00:00:00Z&to=2020-01-01T12:00:00Z");
        assertEquals(List.of("2019-12-31T00:00:00.000Z 0", "2020-01-01T00:00:00.000Z 4"), points(days));
        // another queue's filter sees none of them
        assertEquals(List.of("2020-01-01T00:00:00.000Z 0"), points(analytics(
                "interval=day&queue=nothing-" + UUID.randomUUID() + "&from=2020-01-01T00:00:00Z&to=2020-01-01T12:00:00Z")));
        // default: hourly over the last 24 hours
        JsonObject recent = analytics("");
        assertEquals("hour", recent.getString("interval"));
        assertTrue(recent.getJsonArray("dataPoints").size() >= 24, recent.encode());
    }

    @Test
    void badParametersAre400() {
        for (String query : List.of("/api/v1/status/analytics?interval=week", "/api/v1/status/analytics?from=yesterday",
                "/api/v1/status/analytics?interval=minute&from=2000-01-01T00:00:00Z",
                "/api/v1/status?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z", "/api/v1/status?to=soon",
                "/api/v1/analytics/retention?from=x")) {
            Http.Response r = http.get(query);
            assertEquals(400, r.status(), query + " -> " + r.body());
            assertNotNull(r.json().getString("error"), r.body());
        }
    }

    @Test
    void retentionAnalyticsAfterARetentionRun() throws Exception {
        String q = "t-" + UUID.randomUUID();
        Http.Response configured = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("retentionEnabled", true).put("retentionSeconds", 1)));
        assertEquals(200, configured.status(), configured.body());
        client.pushMany(q, "p", List.of("r1", "r2", "r3"));
        awaitTrue(() -> retention("queue=" + q).getJsonObject("totals").getLong("retentionMsgs") == 3,
                () -> retention("queue=" + q).encode());
        JsonObject r = retention("queue=" + q);
        assertEquals(1, r.getInteger("bucketMinutes"));
        JsonObject totals = r.getJsonObject("totals");
        assertEquals(3, totals.getLong("totalMsgs"));
        assertEquals(0, totals.getLong("completedRetentionMsgs"));
        assertEquals(0, totals.getLong("evictionMsgs"));
        assertTrue(totals.getLong("eventCount") >= 1);
        long inSeries = 0;
        for (Object point : r.getJsonArray("series")) {
            inSeries += ((JsonObject) point).getLong("retentionMsgs");
        }
        assertEquals(3, inSeries);
        assertEquals(0, retention("queue=other-" + UUID.randomUUID()).getJsonObject("totals").getLong("totalMsgs"));
    }

    @Test
    void postgresStatsAnswersEveryKey() {
        Http.Response r = http.get("/api/v1/analytics/postgres-stats");
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        for (String key : List.of("databaseCache", "tableCache", "indexCache", "cacheSummary", "deadTuples",
                "hotUpdates", "activeQueries", "autovacuumStatus", "bufferConfig", "bufferUsage", "tableSizes")) {
            assertTrue(body.containsKey(key) && body.getValue(key) != null, key + " in " + r.body());
        }
        assertFalse(body.getJsonObject("bufferUsage").getBoolean("available"));
        assertNotNull(body.getJsonObject("bufferUsage").getString("note"));
        assertNotNull(body.getJsonObject("bufferConfig").getString("sharedBuffers"));
        List<String> tables = new ArrayList<>();
        for (Object t : body.getJsonArray("tableSizes")) {
            tables.add(((JsonObject) t).getString("table"));
        }
        assertTrue(tables.containsAll(List.of("messages", "stats", "partition_consumers")), tables.toString());
    }

    /**
     * The throughput and worker parts read the per-minute metrics tables, which the servers'
     * metrics writers fill. That writer is not part of this test: the rows are fixtures
     * written with SQL, in a window of their own in the past.
     */
    @Test
    void throughputAndWorkersComeFromTheMetricsTables() throws Exception {
        String host = "fixture-" + UUID.randomUUID();
        execute("INSERT INTO queen.worker_metrics (hostname, worker_id, pid, bucket_time, avg_event_loop_lag_ms, "
                + "max_event_loop_lag_ms, min_free_slots, db_connections, avg_job_queue_size, push_request_count, "
                + "pop_request_count, ack_request_count, push_message_count, pop_message_count, ack_message_count, "
                + "ack_failed_count, lag_count, avg_lag_ms, max_lag_ms, db_error_count, dlq_count) VALUES "
                + "('" + host + "', 0, 11, '2021-03-01T10:05:00Z', 1.5, 4, 7, 3, 2, 10, 8, 6, 120, 90, 60, 1, 10, 20, 50, 2, 1), "
                + "('" + host + "', 1, 11, '2021-03-01T10:05:00Z', 2.5, 6, 5, 3, 1, 2, 1, 0, 60, 0, 0, 0, 30, 40, 70, 0, 0), "
                + "('" + host + "', 0, 11, '2021-03-01T10:20:00Z', 0.5, 1, 9, 4, 0, 1, 1, 1, 6, 6, 6, 0, 0, 0, 0, 0, 0)");
        execute("INSERT INTO queen.system_metrics (timestamp, hostname, port, worker_id, sample_count, metrics) VALUES "
                + "('2021-03-01T10:05:00Z', '" + host + "', 6632, 'w', 60, '{\"cpu\": {\"user_us\": {\"avg\": 250000}, "
                + "\"system_us\": {\"avg\": 50000}}, \"memory\": {\"rss_bytes\": {\"avg\": 104857600}}, "
                + "\"database\": {\"pool_size\": {\"avg\": 10}, \"pool_idle\": {\"avg\": 6}, \"pool_active\": {\"avg\": 4}}}')");

        JsonObject s = status("from=2021-03-01T10:00:00Z&to=2021-03-01T10:30:00Z");
        assertEquals(1, s.getInteger("bucketMinutes"));
        assertEquals(31, s.getInteger("pointCount"));
        JsonArray points = s.getJsonArray("throughput");
        assertEquals(31, points.size());
        assertEquals("2021-03-01T10:30:00.000Z", points.getJsonObject(0).getString("timestamp"), "newest first");
        JsonObject p = points.getJsonObject(25); // 10:05
        assertEquals("2021-03-01T10:05:00.000Z", p.getString("timestamp"));
        assertEquals(180, p.getLong("ingested"));
        assertEquals(60, p.getLong("processed"));
        assertEquals(90, p.getLong("popMessages"));
        assertEquals(3.0, p.getDouble("ingestedPerSecond"), 1e-9);
        assertEquals(1.0, p.getDouble("processedPerSecond"), 1e-9);
        assertEquals(35.0, p.getDouble("avgLagMs"), 1e-9); // (10*20 + 30*40) / 40
        assertEquals(70, p.getLong("maxLagMs"));
        assertEquals(2.0, p.getDouble("avgEventLoopLagMs"), 1e-9);
        assertEquals(6.0, p.getDouble("maxEventLoopLagMs"), 1e-9);
        assertEquals(5, p.getInteger("minFreeSlots"));
        assertEquals(2, p.getLong("dbErrors"));
        assertEquals(1, p.getLong("ackFailed"));
        assertEquals(1, p.getLong("dlqCount"));
        assertEquals(25.0, p.getDouble("queenCpuUserPct"), 1e-9);
        assertEquals(5.0, p.getDouble("queenCpuSysPct"), 1e-9);
        assertEquals(100.0, p.getDouble("queenRssMb"), 1e-9);
        assertEquals(4.0, p.getDouble("dbPoolActive"), 1e-9);
        assertEquals(6.0, p.getDouble("dbPoolIdle"), 1e-9);
        assertEquals(10.0, p.getDouble("dbPoolSize"), 1e-9);
        JsonObject empty = points.getJsonObject(1); // 10:29
        assertEquals(0, empty.getLong("ingested"));
        assertEquals(null, empty.getValue("queenCpuUserPct"));

        JsonObject messages = s.getJsonObject("messages");
        assertEquals(new JsonObject().put("push", 13).put("pop", 10).put("ack", 7), messages.getJsonObject("requests"));
        assertEquals(186.0 / 13, messages.getJsonObject("batchEfficiency").getDouble("push"), 1e-9);
        assertEquals(new JsonObject().put("dbErrors", 2).put("ackFailed", 1).put("dlqMessages", 1), s.getJsonObject("errors"));
        JsonArray workers = s.getJsonArray("workers");
        assertEquals(2, workers.size(), workers.encode());
        JsonObject w0 = workers.getJsonObject(0);
        assertEquals(host, w0.getString("hostname"));
        assertEquals(0, w0.getInteger("workerId"));
        assertEquals(0.5, w0.getDouble("avgEventLoopLagMs"), 1e-9, "the latest minute's figures");
        assertEquals(9, w0.getInteger("freeSlots"));
        assertEquals(4, w0.getInteger("dbConnections"));
        assertEquals(66, w0.getLong("messagesProcessed"), "acks over the window");

        assertEquals(5, status("from=2021-03-01T00:00:00Z&to=2021-03-01T05:00:00Z").getInteger("bucketMinutes"));
        assertEquals(15, status("from=2021-03-01T00:00:00Z&to=2021-03-01T20:00:00Z").getInteger("bucketMinutes"));
        assertEquals(60, status("from=2021-03-01T00:00:00Z&to=2021-03-03T00:00:00Z").getInteger("bucketMinutes"));
        assertEquals(360, status("from=2021-03-01T00:00:00Z&to=2021-03-20T00:00:00Z").getInteger("bucketMinutes"));
        JsonObject recent = status("");
        assertEquals(1, recent.getInteger("bucketMinutes"));
        assertTrue(recent.getInteger("pointCount") >= 60, recent.encode());
    }

    /**
     * The job reads messages and consumers without locking them: pushes, pops, acks and queue
     * deletions go on at their usual speed while reconciles over 20 000 messages run back to back.
     */
    @Test
    void hotPathIsNotBlockedWhileReconciling() throws Exception {
        String big = configure("", "", new JsonObject());
        for (int batch = 0; batch < 20; batch++) {
            JsonArray items = new JsonArray();
            for (int i = 0; i < 1000; i++) {
                items.add(new JsonObject().put("queue", big).put("partition", "p" + (i % 20))
                        .put("payload", new JsonObject().put("n", i)));
            }
            Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
            assertEquals(201, r.status(), r.body());
        }
        QueueClient.ackAll(http, pop(big, "p0", "g1", 100), "g1");
        assertEquals(100, pop(big, "p1", null, 100).size());

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger reconciles = new AtomicInteger();
        CompletableFuture<Void> refreshes = CompletableFuture.runAsync(() -> {
            while (running.get()) {
                Http.Response r = http.post("/api/v1/stats/refresh", (String) null);
                assertEquals(200, r.status(), r.body());
                reconciles.incrementAndGet();
            }
        });
        String q = configure("", "", new JsonObject());
        long slowest = 0;
        int rounds = 0;
        long until = System.currentTimeMillis() + 4000;
        while (System.currentTimeMillis() < until || reconciles.get() < 3) {
            long started = System.nanoTime();
            client.pushMany(q, "p", List.of("h" + rounds));
            JsonArray got = pop(q, "p", null, 1);
            assertEquals("h" + rounds, got.getJsonObject(0).getString("transactionId"));
            QueueClient.ackAll(http, got, null);
            // a queue deletion neither waits for the job's key-share locks for long nor deadlocks with them
            String doomed = configure("", "", new JsonObject());
            client.pushMany(doomed, "p", List.of("d"));
            assertEquals(200, http.delete("/api/v1/resources/queues/" + doomed).status());
            slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
            rounds++;
        }
        running.set(false);
        refreshes.get(60, TimeUnit.SECONDS);
        assertTrue(reconciles.get() >= 3, "reconciles ran meanwhile: " + reconciles.get());
        assertTrue(slowest < 2000, "slowest push/pop/ack round " + slowest + " ms over " + rounds + " rounds");
        JsonObject result = http.post("/api/v1/stats/refresh", (String) null).json();
        assertTrue(result.getJsonObject("partition").getLong("partitions") >= 21, result.encode());
        assertCounts(status("queue=" + big).getJsonObject("messages"), 20_000, 19_800, 100, 100, 0);
    }

    /**
     * The queue roll-up is kept up by taking each refreshed partition's old contribution out
     * and putting its new one in: after every round of traffic it equals the sums over the
     * partitions' representative rows (one per partition: queue mode, else the group with the
     * most unconsumed messages), without any full recomputation.
     */
    @Test
    void queueRollUpFollowsPartitionRefreshesIncrementally() throws Exception {
        String ns = "ns-" + UUID.randomUUID();
        String q = configure(ns, "", new JsonObject().put("retryLimit", 0));
        for (String p : List.of("p1", "p2", "p3")) {
            client.pushMany(q, p, List.of(p + "-a", p + "-b", p + "-c", p + "-d"));
        }
        awaitRollUpMatches(q, "12 12 0 0 0 3");

        QueueClient.ackAll(http, pop(q, "p1", null, 2), null);
        QueueClient.ackAll(http, pop(q, "p2", "g1", 3), "g1");
        JsonObject failed = pop(q, "p3", null, 1).getJsonObject(0);
        Http.Response ack = http.post("/api/v1/ack/batch", new JsonObject().put("acknowledgments", new JsonArray()
                .add(new JsonObject().put("transactionId", failed.getString("transactionId"))
                        .put("partitionId", failed.getString("partitionId")).put("leaseId", failed.getString("leaseId"))
                        .put("status", "failed").put("error", "boom"))));
        assertEquals(200, ack.status(), ack.body());
        JsonArray leased = pop(q, "p2", null, 1);
        // p1: 2 completed; p2: queue mode (representative) 1 leased, g1 ahead; p3: 1 dead letter
        awaitRollUpMatches(q, "12 8 1 2 1 3");

        QueueClient.ackAll(http, leased, null);
        client.pushMany(q, "p3", List.of("p3-e", "p3-f"));
        client.pushMany(q, "p4", List.of("p4-a"));
        awaitRollUpMatches(q, "15 11 0 3 1 4");
        // the namespace row is rolled up from the queue's sums
        awaitTrue(() -> counts(status("namespace=" + ns)).equals(counts(status("queue=" + q))),
                () -> status("namespace=" + ns).encode());
    }

    /**
     * Waits until queue {@code q}'s row reads {@code expected} (total, pending, processing,
     * completed, dead letter, partitions) and equals the sums over its partitions'
     * representative rows.
     */
    private static void awaitRollUpMatches(String q, String expected) throws InterruptedException {
        String queueId = "(SELECT id FROM queen.queues WHERE name = '" + q + "')";
        String figures = "total_messages || ' ' || pending_messages || ' ' || processing_messages || ' ' "
                + "|| completed_messages || ' ' || dead_letter_messages";
        Supplier<List<String>> fromPartitions = () -> strings("SELECT coalesce(sum(total_messages), 0) || ' ' || "
                + "coalesce(sum(pending_messages), 0) || ' ' || coalesce(sum(processing_messages), 0) || ' ' || "
                + "coalesce(sum(completed_messages), 0) || ' ' || coalesce(sum(dead_letter_messages), 0) || ' ' || "
                + "count(*) FROM (SELECT DISTINCT ON (partition_id) * FROM queen.stats WHERE stat_type = 'partition' "
                + "AND queue_id = " + queueId + " ORDER BY partition_id, consumer_group = '__QUEUE_MODE__' DESC, "
                + "pending_messages + processing_messages DESC, consumer_group) rep");
        Supplier<List<String>> queueRow = () -> strings("SELECT " + figures + " || ' ' || child_count FROM queen.stats "
                + "WHERE stat_type = 'queue' AND stat_key = '" + q + "'");
        awaitTrue(() -> queueRow.get().equals(List.of(expected)) && fromPartitions.get().equals(List.of(expected)),
                () -> "queue row " + queueRow.get() + ", partition sums " + fromPartitions.get());
    }

    // ---- helpers ----

    private static String configure(String namespace, String task, JsonObject options) {
        String q = QueueClient.uniqueQueue();
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", q).put("namespace", namespace)
                .put("task", task).put("options", options));
        assertEquals(200, r.status(), r.body());
        return q;
    }

    /** Pops a partition and answers the messages (asserting there were some). */
    private static JsonArray pop(String queue, String partition, String group, int batch) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "/partition/" + partition + "?batch=" + batch
                + (group == null ? "" : "&consumerGroup=" + group));
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("messages");
    }

    private static JsonObject status(String query) {
        return okJson("/api/v1/status?" + query);
    }

    private static JsonObject analytics(String query) {
        return okJson("/api/v1/status/analytics?" + query);
    }

    private static JsonObject retention(String query) {
        return okJson("/api/v1/analytics/retention?" + query);
    }

    private static JsonObject okJson(String path) {
        Http.Response r = http.get(path);
        assertEquals(200, r.status(), path + " -> " + r.body());
        return r.json();
    }

    private static List<Long> counts(JsonObject status) {
        JsonObject m = status.getJsonObject("messages");
        return List.of(m.getLong("total"), m.getLong("pending"), m.getLong("processing"), m.getLong("completed"),
                m.getLong("deadLetter"));
    }

    private static void assertCounts(JsonObject messages, long total, long pending, long processing, long completed,
                                     long deadLetter) {
        assertEquals(List.of(total, pending, processing, completed, deadLetter),
                List.of(messages.getLong("total"), messages.getLong("pending"), messages.getLong("processing"),
                        messages.getLong("completed"), messages.getLong("deadLetter")), messages.encode());
        assertEquals(0, messages.getLong("failed"));
    }

    private static List<String> points(JsonObject analytics) {
        List<String> out = new ArrayList<>();
        for (Object p : analytics.getJsonArray("dataPoints")) {
            out.add(((JsonObject) p).getString("timestamp") + " " + ((JsonObject) p).getLong("messages"));
        }
        return out;
    }

    private static boolean tryLock(Statement s) {
        try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + STATS_LOCK + ")")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(Supplier<Boolean> condition, Supplier<String> describe) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.get()) {
            assertTrue(System.currentTimeMillis() < deadline, describe.get());
            Thread.sleep(100);
        }
    }

    /** The first column of every row, as text. */
    private static List<String> strings(String sql) {
        try (Connection c = own.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = own.connect(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}
