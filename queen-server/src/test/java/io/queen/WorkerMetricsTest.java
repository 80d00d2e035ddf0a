package io.queen;

import io.queen.db.EmbeddedDatabase;
import io.queen.metrics.CounterSql;
import io.queen.metrics.PrometheusText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-minute worker, queue, parked long-poll and system metrics: known traffic comes out
 * exactly through the analytics endpoints and the Prometheus cluster families. A server of
 * its own (flushing every 200 ms, two workers) on a separately started database, so the
 * test can read the tables and age rows with JDBC.
 */
class WorkerMetricsTest {
    private static final long FLUSH_MS = 200;
    private static final List<String> CLUSTER_FAMILIES = List.of(
            "queen_cluster_push_requests_total", "queen_cluster_push_messages_total",
            "queen_cluster_pop_requests_total", "queen_cluster_pop_messages_total",
            "queen_cluster_ack_requests_total", "queen_cluster_ack_messages_total",
            "queen_cluster_ack_total{scope=\"cluster\",result=\"success\"}",
            "queen_cluster_ack_total{scope=\"cluster\",result=\"failed\"}",
            "queen_cluster_transactions_total", "queen_cluster_dlq_total", "queen_cluster_db_errors_total");

    private static EmbeddedDatabase db;
    private static TestServer server;
    private static Http http;
    private static QueueClient client;
    private static TestSql sql;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestDirs.temp("queen-worker-metrics");
        db = EmbeddedDatabase.start(dir, 0);
        sql = new TestSql(db.port());
        server = TestServer.start(dir, TestServer.onDatabase(db.port(),
                "QUEEN_METRICS_FLUSH_MS", Long.toString(FLUSH_MS),
                "METRICS_SAMPLE_INTERVAL_MS", "200", "METRICS_AGGREGATE_INTERVAL_S", "1",
                "RETENTION_INTERVAL", "1000", "RETENTION_BATCH_SIZE", "2",
                "WORKER_ID", "metrics-test"));
        http = server.http;
        client = new QueueClient(http);
    }

    @AfterAll
    static void stop() throws Exception {
        TestServer.stop(server, db);
    }

    @Test
    void knownTrafficComesOutExactly() throws Exception {
        Map<String, Long> before = settledCluster();
        String a = QueueClient.uniqueQueue();
        String parkedQueue = QueueClient.uniqueQueue();
        String neverCreated = QueueClient.uniqueQueue();
        assertEquals(200, http.post("/api/v1/configure", new JsonObject().put("queue", a)
                .put("options", new JsonObject().put("retryLimit", 0))).status());
        assertEquals(200, http.post("/api/v1/configure", new JsonObject().put("queue", parkedQueue)
                .put("options", new JsonObject())).status());
        // a pop of a queue that does not exist counts for the worker, but gets no queue row
        assertEquals(204, http.get("/api/v1/pop/queue/" + neverCreated).status());

        // an empty pop, 7 messages in 3 push requests, two pops (one auto-acked)
        assertEquals(204, http.get("/api/v1/pop/queue/" + a).status());
        client.pushMany(a, "p", List.of("m1", "m2", "m3"));
        client.pushMany(a, "p", List.of("m4", "m5", "m6"));
        client.pushMany(a, "p", List.of("m7"));
        assertEquals(List.of("m1", "m2"), client.popTransactionIds(a, null, 2, true));
        Http.Response popped = http.get("/api/v1/pop/queue/" + a + "?batch=5");
        assertEquals(200, popped.status(), popped.body());
        JsonArray messages = popped.json().getJsonArray("messages");
        assertEquals(5, messages.size());

        // 3 completed, 2 failed (retryLimit 0: to the DLQ) in one ack request
        JsonArray acks = new JsonArray();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            acks.add(new JsonObject().put("transactionId", m.getString("transactionId"))
                    .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                    .put("status", i < 3 ? "completed" : "failed").put("error", "boom"));
        }
        Http.Response acked = http.post("/api/v1/ack/batch", new JsonObject().put("acknowledgments", acks));
        assertEquals(200, acked.status(), acked.body());
        long dlq = acked.array().stream().filter(r -> Boolean.TRUE.equals(((JsonObject) r).getValue("dlq"))).count();
        assertEquals(2, dlq, acked.body());

        // a transaction that pushes to the queue
        Http.Response tx = http.post("/api/v1/transaction", new JsonObject().put("operations", new JsonArray()
                .add(new JsonObject().put("type", "push").put("queue", a).put("payload", new JsonObject()))));
        assertEquals(true, tx.json().getBoolean("success"), tx.body());

        // a long-poll parked for 2.5 s on another queue, answered empty
        CompletableFuture<Http.Response> parked = CompletableFuture.supplyAsync(
                () -> http.get("/api/v1/pop/queue/" + parkedQueue + "?wait=true&timeout=2500"));
        assertEquals(204, parked.get().status());

        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("queen_cluster_push_requests_total", 3L);
        expected.put("queen_cluster_push_messages_total", 7L);
        expected.put("queen_cluster_pop_requests_total", 5L);
        expected.put("queen_cluster_pop_messages_total", 7L);
        expected.put("queen_cluster_ack_requests_total", 1L);
        // the 2 auto-acked messages count as acknowledged too
        expected.put("queen_cluster_ack_messages_total", 7L);
        expected.put("queen_cluster_ack_total{scope=\"cluster\",result=\"success\"}", 5L);
        expected.put("queen_cluster_ack_total{scope=\"cluster\",result=\"failed\"}", 2L);
        expected.put("queen_cluster_transactions_total", 1L);
        expected.put("queen_cluster_dlq_total", 2L);
        expected.put("queen_cluster_db_errors_total", 0L);
        Map<String, Long> after = settledCluster();
        for (String family : CLUSTER_FAMILIES) {
            assertEquals(expected.get(family), after.get(family) - before.get(family), family);
        }

        // per queue, summed over the buckets and the two workers
        JsonObject ops = http.get("/api/v1/analytics/queue-ops?queue=" + a).json();
        assertEquals(1, ops.getInteger("bucketMinutes"));
        Map<String, Long> totals = sums(ops.getJsonArray("series"), "pushRequests", "pushMessages", "popMessages",
                "popEmpty", "ackRequests", "ackSuccess", "ackFailed", "transactions");
        assertEquals(Map.of("pushRequests", 3L, "pushMessages", 7L, "popMessages", 7L, "popEmpty", 1L,
                "ackRequests", 1L, "ackSuccess", 5L, "ackFailed", 2L, "transactions", 1L), totals, ops.encode());
        JsonObject queueTotals = ops.getJsonArray("queues").getJsonObject(0);
        assertEquals(a, queueTotals.getString("queueName"));
        assertEquals(7, queueTotals.getLong("popMessages"));

        JsonArray lag = http.get("/api/v1/analytics/queue-lag?queue=" + a).array();
        assertEquals(7L, sums(lag, "popCount").get("popCount"), lag.encode());
        assertTrue(lag.getJsonObject(0).getLong("maxLagMs") >= 0);
        assertEquals(a, lag.getJsonObject(0).getString("queueName"));

        // the parked long-poll: 1 empty pop, and about 2.5 parked-seconds spread over the minute
        JsonObject parkedOps = http.get("/api/v1/analytics/queue-ops?queue=" + parkedQueue).json();
        assertEquals(1L, sums(parkedOps.getJsonArray("series"), "popEmpty").get("popEmpty"), parkedOps.encode());
        JsonObject replicas = http.get("/api/v1/analytics/queue-parked-replicas?queue=" + parkedQueue).json();
        JsonArray series = replicas.getJsonArray("series");
        assertFalse(series.isEmpty(), replicas.encode());
        double parkedSum = 0;
        for (int i = 0; i < series.size(); i++) {
            JsonObject s = series.getJsonObject(i);
            assertTrue(s.getString("workerId").startsWith("metrics-test/"), s.encode());
            parkedSum += s.getDouble("parkedCount");
        }
        assertTrue(parkedSum > 0, replicas.encode());
        // sampled once a second while parked for 2.5 s: 2 or 3 parked-seconds (1 on a starved event loop),
        // the same summed per queue as per replica
        long parkedSeconds = sql.count("SELECT sum(parked_seconds) FROM queen.queue_parked_replica WHERE queue_name = '"
                + parkedQueue + "'");
        assertTrue(parkedSeconds >= 1 && parkedSeconds <= 3, "parked-seconds " + parkedSeconds);
        assertEquals(parkedSeconds, sql.count("SELECT sum(parked_seconds) FROM queen.queue_lag_metrics "
                + "WHERE queue_name = '" + parkedQueue + "'"));
        assertEquals(1, replicas.getJsonArray("replicas").size(), replicas.encode());
        assertEquals(0, sql.count("SELECT count(*) FROM queen.queue_lag_metrics WHERE queue_name = '"
                + neverCreated + "'"), "no metrics rows for a queue that does not exist");

        // worker-metrics: both workers report, and the series covers at least this traffic
        JsonObject workers = http.get("/api/v1/analytics/worker-metrics").json();
        // (a made-up worker of another test may be listed too)
        assertEquals(2, workers.getJsonArray("workers").stream()
                .filter(w -> ((JsonObject) w).getInteger("pid") == ProcessHandle.current().pid()).count(),
                workers.encode());
        JsonObject summary = workers.getJsonObject("summary");
        assertTrue(summary.getLong("totalPushMessages") >= 7, summary.encode());
        assertTrue(summary.getLong("totalDlq") >= 2, summary.encode());
        assertTrue(workers.getJsonArray("queues").stream()
                .anyMatch(q -> a.equals(((JsonObject) q).getString("queueName"))), workers.encode());
        assertEquals(workers.getJsonArray("timeSeries").size(), workers.getInteger("pointCount"));
    }

    @Test
    void summaryFollowsInsertsAndAdditiveUpdates() throws Exception {
        // two flushes of one worker into one minute: the row adds up, the summary follows both
        long beforePush = sql.count("SELECT total_push_messages FROM queen.worker_metrics_summary");
        // the server's flush statement, its parameter in JDBC's style
        String flush = CounterSql.query("worker_metrics_flush").replace("$1", "?");
        long now = System.currentTimeMillis();
        String first = flushJson(now, 5, 2, 10.0, 3);
        String second = flushJson(now, 7, 6, 40.0, 1);
        sql.execute(flush, first);
        sql.execute(flush, second);
        assertEquals(12, sql.count("SELECT push_message_count FROM queen.worker_metrics WHERE hostname = 'fake-host'"));
        assertEquals(4, sql.count("SELECT ack_failed_count FROM queen.worker_metrics WHERE hostname = 'fake-host'"));
        assertEquals(8, sql.count("SELECT sample_count FROM queen.worker_metrics WHERE hostname = 'fake-host'"));
        // (10 * 2 + 40 * 6) / 8 = 32.5
        assertEquals(3250, sql.count("SELECT round(avg_event_loop_lag_ms * 100) FROM queen.worker_metrics "
                + "WHERE hostname = 'fake-host'"));
        assertEquals(40, sql.count("SELECT max_event_loop_lag_ms FROM queen.worker_metrics WHERE hostname = 'fake-host'"));
        TestSql.awaitValue(beforePush + 12, () -> sql.count("SELECT total_push_messages FROM queen.worker_metrics_summary"));

        // and after real traffic and many flushes, the summary is the sum of all worker rows
        String q = QueueClient.uniqueQueue();
        for (int i = 0; i < 4; i++) {
            client.pushMany(q, "p", List.of("s" + i + "a", "s" + i + "b"));
            Thread.sleep(FLUSH_MS * 2);
        }
        settledCluster();
        for (String[] pair : new String[][]{{"total_push_messages", "push_message_count"},
                {"total_push_requests", "push_request_count"}, {"total_pop_requests", "pop_request_count"},
                {"total_ack_failed", "ack_failed_count"}, {"total_dlq", "dlq_count"}}) {
            assertEquals(sql.count("SELECT coalesce(sum(" + pair[1] + "), 0) FROM queen.worker_metrics"),
                    sql.count("SELECT " + pair[0] + " FROM queen.worker_metrics_summary"), pair[0]);
        }
    }

    /** A flush of a made-up worker into the current minute, every counter 0 but these. */
    private static String flushJson(long now, int pushMessages, int samples, double eventLoopLag, int ackFailed) {
        JsonObject worker = new JsonObject();
        for (String column : List.of("pop_request_count", "ack_request_count", "transaction_count",
                "push_request_count", "pop_message_count", "ack_message_count", "ack_success_count", "lag_count",
                "avg_lag_ms", "max_lag_ms", "db_error_count", "dlq_count", "jobs_done", "avg_free_slots",
                "min_free_slots", "db_connections", "avg_job_queue_size", "max_job_queue_size", "backoff_size")) {
            worker.put(column, 0);
        }
        worker.put("hostname", "fake-host").put("worker_id", 0).put("pid", 1)
                .put("sample_count", samples).put("avg_event_loop_lag_ms", eventLoopLag)
                .put("max_event_loop_lag_ms", eventLoopLag).put("push_message_count", pushMessages)
                .put("ack_failed_count", ackFailed);
        return new JsonObject()
                .put("bucket", now - now % 60_000).put("at", now)
                .put("hostname", "fake-host").put("replica", "fake/0")
                .put("worker", worker)
                .put("queues", new JsonArray())
                .encode();
    }

    @Test
    void systemMetricsHaveASeriesPerReplica() throws Exception {
        TestSql.awaitValue(1, () -> Math.min(1, sql.count("SELECT count(*) FROM queen.system_metrics")));
        JsonObject body = http.get("/api/v1/analytics/system-metrics").json();
        JsonArray replicas = body.getJsonArray("replicas");
        assertEquals(1, replicas.size(), body.encode());
        JsonObject replica = replicas.getJsonObject(0);
        assertEquals("metrics-test", replica.getString("workerId"));
        assertEquals(server.port, replica.getInteger("port"));
        JsonObject point = replica.getJsonArray("timeSeries").getJsonObject(0);
        assertTrue(point.getLong("sampleCount") > 0, point.encode());
        JsonObject rss = point.getJsonObject("memory").getJsonObject("rss_bytes");
        assertTrue(rss.getDouble("avg") > 10_000_000, point.encode());
        assertTrue(rss.getDouble("max") >= rss.getDouble("min"), point.encode());
        assertTrue(point.getJsonObject("cpu").getJsonObject("user_us").containsKey("last"), point.encode());
        assertTrue(point.getJsonObject("threadpool").getJsonObject("db").getJsonObject("pool_size")
                .getDouble("last") == 2, point.encode());
        // filters
        assertEquals(0, http.get("/api/v1/analytics/system-metrics?workerId=nobody").json()
                .getJsonArray("replicas").size());
    }

    @Test
    void badWindowsAreRejected() {
        for (String path : List.of("/api/v1/analytics/worker-metrics?from=yesterday",
                "/api/v1/analytics/queue-ops?to=2026-13-45",
                "/api/v1/analytics/queue-lag?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                "/api/v1/analytics/system-metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                "/api/v1/analytics/queue-parked-replicas?from=x",
                "/api/v1/analytics/worker-metrics?workerId=abc")) {
            Http.Response r = http.get(path);
            assertEquals(400, r.status(), path + " " + r.body());
            assertTrue(r.json().containsKey("error"), r.body());
        }
        JsonObject day = http.get("/api/v1/analytics/queue-ops?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z")
                .json();
        assertEquals(15, day.getInteger("bucketMinutes"));
        assertEquals("2026-01-01T00:00:00.000Z", day.getJsonObject("timeRange").getString("from"));
        assertEquals(360, http.get("/api/v1/analytics/queue-ops?from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z")
                .json().getInteger("bucketMinutes"));
    }

    @Test
    void oldMetricsRowsArePruned() throws Exception {
        String old = "now() - interval '100 days'";
        sql.execute("INSERT INTO queen.worker_metrics (hostname, worker_id, pid, bucket_time) VALUES ('old-host', 0, 1, "
                + old + ")");
        sql.execute("INSERT INTO queen.worker_metrics (hostname, worker_id, pid, bucket_time) VALUES ('old-host', 1, 1, "
                + old + ")");
        sql.execute("INSERT INTO queen.queue_lag_metrics (bucket_time, queue_name) VALUES (" + old + ", 'old-queue')");
        sql.execute("INSERT INTO queen.queue_parked_replica (bucket_time, queue_name, hostname, worker_id) VALUES ("
                + old + ", 'old-queue', 'old-host', 'w')");
        sql.execute("INSERT INTO queen.system_metrics (timestamp, hostname, port, worker_id, metrics) VALUES ("
                + old + ", 'old-host', 1, 'w', '{}')");
        String remaining = "SELECT (SELECT count(*) FROM queen.worker_metrics WHERE bucket_time < now() - interval '90 days')"
                + " + (SELECT count(*) FROM queen.queue_lag_metrics WHERE bucket_time < now() - interval '90 days')"
                + " + (SELECT count(*) FROM queen.queue_parked_replica WHERE bucket_time < now() - interval '90 days')"
                + " + (SELECT count(*) FROM queen.system_metrics WHERE timestamp < now() - interval '90 days')";
        // five rows, batches of two: three batches
        TestSql.awaitValue(0, () -> sql.count(remaining));
        assertTrue(sql.count("SELECT count(*) FROM queen.worker_metrics") > 0, "recent rows stay");
    }

    @Test
    void prometheusTextIsValid() {
        Http.Response r = http.get("/metrics/prometheus");
        assertEquals(200, r.status());
        Set<String> typed = new HashSet<>();
        Set<String> helped = new HashSet<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                assertTrue(typed.add(line.split(" ")[2]), "one TYPE per family: " + line);
            } else if (line.startsWith("# HELP ")) {
                assertTrue(helped.add(line.split(" ")[2]), "one HELP per family: " + line);
            }
        }
        for (String family : List.of("queen_uptime_seconds", "queen_cpu_user_microseconds_total",
                "queen_process_resident_memory_bytes", "queen_process_virtual_memory_bytes", "queen_db_pool_size",
                "queen_file_buffer_db_healthy", "queen_maintenance_mode_enabled", "queen_cluster_push_messages_total",
                "queen_dlq_depth", "queen_worker_event_loop_lag_milliseconds")) {
            assertTrue(typed.contains(family), family + " in\n" + r.body());
        }
        assertTrue(sample(r.body(), "queen_process_virtual_memory_bytes") > 0);
        assertEquals(0.0, sample(r.body(), "queen_maintenance_mode_enabled"));

        StringBuilder escaped = new StringBuilder();
        new PrometheusText().family("x", "gauge", "help").sample("x", new String[]{"queue"},
                new String[]{"a\"b\\c\nd"}, 1.5).writeTo(escaped);
        assertEquals("# HELP x help\n# TYPE x gauge\nx{queue=\"a\\\"b\\\\c\\nd\"} 1.5\n", escaped.toString());
    }

    /** The cluster families once two scrapes, several flushes apart, agree (nothing in flight). */
    private static Map<String, Long> settledCluster() throws InterruptedException {
        Map<String, Long> previous = cluster();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(FLUSH_MS * 4);
            Map<String, Long> current = cluster();
            if (current.equals(previous)) {
                return current;
            }
            previous = current;
        }
        throw new AssertionError("cluster metrics did not settle: " + previous);
    }

    private static Map<String, Long> cluster() {
        String text = http.get("/metrics/prometheus").body();
        Map<String, Long> values = new LinkedHashMap<>();
        for (String family : CLUSTER_FAMILIES) {
            String series = family.contains("{") ? family : family + "{scope=\"cluster\"}";
            values.put(family, (long) sample(text, series));
        }
        return values;
    }

    private static double sample(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " missing in:\n" + text));
    }

    private static Map<String, Long> sums(JsonArray rows, String... fields) {
        Map<String, Long> sums = new LinkedHashMap<>();
        for (String f : fields) {
            long sum = 0;
            for (int i = 0; i < rows.size(); i++) {
                sum += rows.getJsonObject(i).getLong(f);
            }
            sums.put(f, sum);
        }
        return sums;
    }

}
