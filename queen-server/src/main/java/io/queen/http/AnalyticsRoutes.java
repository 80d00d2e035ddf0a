package io.queen.http;

import io.queen.admin.Analytics;
import io.queen.admin.Statistics;
import io.queen.metrics.QueenCounter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.queen.http.MessageRoutes.guard;

/**
 * Everything under /api/v1/analytics (spec 3.12): worker, queue, parked long-poll and system
 * metrics from the per-minute tables, retention history and PostgreSQL's own statistics. All
 * GET, read-only, on the background pool; the time series take a {@link TimeWindow} (default:
 * the last hour).
 */
final class AnalyticsRoutes {
    private final Analytics analytics;
    private final Statistics statistics;

    AnalyticsRoutes(Analytics analytics, Statistics statistics) {
        this.analytics = analytics;
        this.statistics = statistics;
    }

    void mount(Router router) {
        router.get("/api/v1/analytics/system-metrics").handler(guard(this::systemMetrics));
        router.get("/api/v1/analytics/worker-metrics").handler(guard(this::workerMetrics));
        router.get("/api/v1/analytics/queue-lag").handler(guard(this::queueLag));
        router.get("/api/v1/analytics/queue-ops").handler(guard(this::queueOps));
        router.get("/api/v1/analytics/queue-parked-replicas").handler(guard(this::parkedReplicas));
        router.get("/api/v1/analytics/retention").handler(guard(this::retention));
        router.get("/api/v1/analytics/depth").handler(guard(this::depth));
        router.get("/api/v1/analytics/postgres-stats").handler(guard(ctx ->
                Responses.json(ctx, statistics.postgres(), document -> document)));
    }

    private static String filter(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    // ---- depth (ours: the reference has no history of pending messages) ----

    private void depth(RoutingContext ctx) {
        TimeWindow w = TimeWindow.of(ctx, TimeWindow.LAST_HOUR);
        String queue = filter(ctx, "queue");
        Responses.json(ctx, analytics.depth(w.from(), w.to(), w.bucketMinutes(), queue), rows -> {
            JsonOut out = w.writeHeader(new JsonOut(256 + rows.size() * 120).beginObject())
                    .field("queue", queue)
                    .field("pointCount", rows.size())
                    .name("timeSeries").beginArray();
            for (Row r : rows) {
                out.beginObject().field("timestamp", JsonOut.millis(r.getOffsetDateTime("bucket")))
                        .field("pending", r.getLong("pending_messages"))
                        .field("processing", r.getLong("processing_messages"))
                        .field("deadLetter", r.getLong("dead_letter_messages"))
                        .field("total", r.getLong("total_messages"))
                        .endObject();
            }
            return out.endArray().endObject().toString();
        });
    }

    // ---- workers ----

    private void workerMetrics(RoutingContext ctx) {
        TimeWindow w = TimeWindow.of(ctx, TimeWindow.LAST_HOUR);
        String hostname = filter(ctx, "hostname");
        String workerText = filter(ctx, "workerId");
        Integer workerId;
        try {
            workerId = workerText == null ? null : Integer.valueOf(workerText);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("workerId must be an integer");
        }
        Future<RowSet<Row>> workerRows = analytics.workerMetrics(w.from(), w.to(), w.bucketMinutes(), hostname,
                workerId);
        Future<RowSet<Row>> queueRows = analytics.queueOps(w.from(), w.to(), w.bucketMinutes(), null);
        Responses.json(ctx, Future.all(workerRows, queueRows), all -> workerMetricsBody(w,
                buckets(workerRows.result(), true), buckets(workerRows.result(), false),
                buckets(queueRows.result(), false)));
    }

    /** The rows of a series-and-totals statement that are buckets, or the others. */
    private static List<Row> buckets(RowSet<Row> rows, boolean buckets) {
        List<Row> kept = new ArrayList<>(rows.size());
        for (Row r : rows) {
            if (r.getBoolean("is_bucket") == buckets) {
                kept.add(r);
            }
        }
        return kept;
    }

    private static String workerMetricsBody(TimeWindow w, List<Row> series, List<Row> workers, List<Row> queues) {
        JsonOut out = w.writeHeader(new JsonOut(1024 + series.size() * 640).beginObject())
                .field("pointCount", series.size())
                .name("timeSeries").beginArray();
        for (Row r : series) {
            out.beginObject().field("timestamp", JsonOut.millis(r.getOffsetDateTime("bucket")));
            workerFigures(out, r);
            out.field("pushPerSecond", count(r, QueenCounter.PUSH_MESSAGES) / w.bucketSeconds())
                    .field("popPerSecond", count(r, QueenCounter.POP_MESSAGES) / w.bucketSeconds())
                    .field("ackPerSecond", count(r, QueenCounter.ACK_MESSAGES) / w.bucketSeconds())
                    .field("backoffSize", r.getDouble("backoff_size"))
                    .field("lagCount", r.getLong("lag_count"))
                    .endObject();
        }
        out.endArray().name("workers").beginArray();
        for (Row r : workers) {
            out.beginObject()
                    .field("hostname", r.getString("hostname"))
                    .field("workerId", r.getInteger("worker_id"))
                    .field("pid", r.getInteger("pid"))
                    .field("lastSeen", JsonOut.millis(r.getOffsetDateTime("last_seen")));
            workerFigures(out, r);
            out.endObject();
        }
        out.endArray().name("queues").beginArray();
        for (Row r : queues) {
            out.beginObject()
                    .field("queueName", r.getString("queue_name"))
                    .field("popCount", count(r, QueenCounter.POP_MESSAGES))
                    .field("avgLagMs", r.getDouble("avg_lag_ms"))
                    .field("maxLagMs", r.getLong("max_lag_ms"))
                    .endObject();
        }
        out.endArray().name("summary").beginObject();
        long[] totals = summaryTotals(out, series);
        // messages pushed in the window and not yet popped in it: a rough backlog indicator
        long pending = totals[QueenCounter.PUSH_MESSAGES.ordinal()] - totals[QueenCounter.POP_MESSAGES.ordinal()];
        return out.field("pendingMessages", Math.max(0, pending)).endObject().endObject().toString();
    }

    /** A counter's sum in an analytics row. */
    private static long count(Row r, QueenCounter c) {
        return r.getLong(c.alias());
    }

    /** The counters a scope keeps, each as its analytics field. */
    private static void counters(JsonOut out, Row r, QueenCounter.Scope scope) {
        for (QueenCounter c : QueenCounter.stored(scope)) {
            out.field(c.field(), count(r, c));
        }
    }

    /** The figures a bucket of the series and a worker of the list share. */
    private static void workerFigures(JsonOut out, Row r) {
        counters(out, r, QueenCounter.Scope.WORKER);
        out.field("avgEventLoopLagMs", r.getDouble("avg_event_loop_lag_ms"))
                .field("maxEventLoopLagMs", r.getDouble("max_event_loop_lag_ms"))
                .field("avgFreeSlots", r.getDouble("avg_free_slots"))
                .field("minFreeSlots", r.getInteger("min_free_slots"))
                .field("dbConnections", r.getDouble("db_connections"))
                .field("avgJobQueueSize", r.getDouble("avg_job_queue_size"))
                .field("maxJobQueueSize", r.getInteger("max_job_queue_size"))
                .field("avgLagMs", r.getDouble("avg_lag_ms"))
                .field("maxLagMs", r.getLong("max_lag_ms"));
    }

    /** Writes the window's totals; returns those of the counters, by ordinal. */
    private static long[] summaryTotals(JsonOut out, List<Row> series) {
        long[] totals = new long[QueenCounter.COUNT];
        for (QueenCounter c : QueenCounter.stored(QueenCounter.Scope.WORKER)) {
            for (Row r : series) {
                totals[c.ordinal()] += count(r, c);
            }
            out.field(c.totalField(), totals[c.ordinal()]);
        }
        long lagCount = 0;
        double lagSum = 0;
        long lagMax = 0;
        double eventLoopMax = 0;
        for (Row r : series) {
            lagCount += r.getLong("lag_count");
            lagSum += r.getDouble("avg_lag_ms") * r.getLong("lag_count");
            lagMax = Math.max(lagMax, r.getLong("max_lag_ms"));
            eventLoopMax = Math.max(eventLoopMax, r.getDouble("max_event_loop_lag_ms"));
        }
        out.field("avgLagMs", lagCount == 0 ? 0.0 : lagSum / lagCount)
                .field("maxLagMs", lagMax)
                .field("maxEventLoopLagMs", eventLoopMax);
        return totals;
    }

    // ---- queues ----

    private void queueLag(RoutingContext ctx) {
        TimeWindow w = TimeWindow.of(ctx, TimeWindow.LAST_HOUR);
        Responses.json(ctx, analytics.queueOps(w.from(), w.to(), w.bucketMinutes(), filter(ctx, "queue")), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 160).beginArray();
            for (Row r : buckets(rows, true)) {
                out.beginObject()
                        .field("queueName", r.getString("queue_name"))
                        .field("popCount", count(r, QueenCounter.POP_MESSAGES))
                        .field("avgLagMs", r.getDouble("avg_lag_ms"))
                        .field("maxLagMs", r.getLong("max_lag_ms"))
                        .field("bucketTime", JsonOut.millis(r.getOffsetDateTime("bucket")))
                        .endObject();
            }
            return out.endArray().toString();
        });
    }

    private void queueOps(RoutingContext ctx) {
        TimeWindow w = TimeWindow.of(ctx, TimeWindow.LAST_HOUR);
        Responses.json(ctx, analytics.queueOps(w.from(), w.to(), w.bucketMinutes(), filter(ctx, "queue")), rows -> {
            JsonOut out = w.writeHeader(new JsonOut(1024 + rows.size() * 512).beginObject())
                    .name("series").beginArray();
            for (Row r : buckets(rows, true)) {
                out.beginObject()
                        .field("bucket", JsonOut.millis(r.getOffsetDateTime("bucket")))
                        .field("queueName", r.getString("queue_name"));
                queueFigures(out, r);
                out.field("partitionsCreated", r.getLong("partitions_created"))
                        .field("partitionsDeleted", r.getLong("partitions_deleted"))
                        .field("partitionCount", r.getLong("partition_count"))
                        .field("pushPerSecond", count(r, QueenCounter.PUSH_MESSAGES) / w.bucketSeconds())
                        .field("popPerSecond", count(r, QueenCounter.POP_MESSAGES) / w.bucketSeconds())
                        .field("ackPerSecond", count(r, QueenCounter.ACK_SUCCESS) / w.bucketSeconds())
                        .field("emptyPerSecond", count(r, QueenCounter.POP_EMPTY) / w.bucketSeconds())
                        .field("parkedCount", r.getDouble("parked_count"))
                        .endObject();
            }
            out.endArray().name("queues").beginArray();
            for (Row r : buckets(rows, false)) {
                out.beginObject().field("queueName", r.getString("queue_name"));
                queueFigures(out, r);
                out.field("maxParkedCount", r.getDouble("parked_count"))
                        .field("lastSeen", JsonOut.millis(r.getOffsetDateTime("last_seen")))
                        .endObject();
            }
            return out.endArray().endObject().toString();
        });
    }

    /** The counters a bucket of a queue and a queue's totals share. */
    private static void queueFigures(JsonOut out, Row r) {
        counters(out, r, QueenCounter.Scope.QUEUE);
        out.field("avgLagMs", r.getDouble("avg_lag_ms"))
                .field("maxLagMs", r.getLong("max_lag_ms"));
    }

    /** Per replica worker: average and peak of its parked long-polls over the window. */
    private static final class ReplicaParked {
        double sum;
        int buckets;
        double max;
        OffsetDateTime lastSeen;
    }

    private void parkedReplicas(RoutingContext ctx) {
        TimeWindow w = TimeWindow.of(ctx, TimeWindow.LAST_HOUR);
        Responses.json(ctx, analytics.parkedReplicas(w.from(), w.to(), w.bucketMinutes(), filter(ctx, "queue")),
                rows -> {
                    JsonOut out = w.writeHeader(new JsonOut(512 + rows.size() * 200).beginObject())
                            .name("series").beginArray();
                    Map<List<String>, ReplicaParked> replicas = new LinkedHashMap<>();
                    for (Row r : rows) {
                        OffsetDateTime bucket = r.getOffsetDateTime("bucket");
                        double parked = r.getDouble("parked_count");
                        out.beginObject()
                                .field("bucket", JsonOut.millis(bucket))
                                .field("queueName", r.getString("queue_name"))
                                .field("hostname", r.getString("hostname"))
                                .field("workerId", r.getString("worker_id"))
                                .field("parkedCount", parked)
                                .endObject();
                        ReplicaParked p = replicas.computeIfAbsent(
                                List.of(r.getString("hostname"), r.getString("worker_id")), k -> new ReplicaParked());
                        p.sum += parked;
                        p.buckets++;
                        p.max = Math.max(p.max, parked);
                        p.lastSeen = bucket;
                    }
                    out.endArray().name("replicas").beginArray();
                    replicas.forEach((key, p) -> out.beginObject()
                            .field("hostname", key.get(0))
                            .field("workerId", key.get(1))
                            .field("avgParkedCount", p.sum / p.buckets)
                            .field("maxParkedCount", p.max)
                            .field("lastSeen", JsonOut.millis(p.lastSeen))
                            .endObject());
                    return out.endArray().endObject().toString();
                });
    }

    // ---- system ----

    private void systemMetrics(RoutingContext ctx) {
        TimeWindow w = TimeWindow.of(ctx, TimeWindow.LAST_HOUR);
        Responses.json(ctx, analytics.systemMetrics(w.from(), w.to(), w.bucketMinutes(), filter(ctx, "hostname"),
                filter(ctx, "workerId")), rows -> {
            JsonOut out = w.writeHeader(new JsonOut(1024 + rows.size() * 800).beginObject())
                    .name("replicas").beginArray();
            List<Object> replica = null;
            for (Row r : rows) {
                List<Object> key = List.of(r.getString("hostname"), r.getInteger("port"), r.getString("worker_id"));
                if (!key.equals(replica)) {
                    if (replica != null) {
                        out.endArray().endObject();
                    }
                    replica = key;
                    out.beginObject()
                            .field("hostname", key.get(0))
                            .field("port", key.get(1))
                            .field("workerId", key.get(2))
                            .name("timeSeries").beginArray();
                }
                JsonObject metrics = (JsonObject) r.getJson("metrics");
                out.beginObject()
                        .field("timestamp", JsonOut.millis(r.getOffsetDateTime("bucket")))
                        .field("sampleCount", r.getLong("sample_count"));
                // the sections as stored: cpu, memory, database, threadpool (avg/min/max/last each)
                for (String section : metrics.fieldNames()) {
                    out.name(section).raw(metrics.getValue(section).toString());
                }
                out.endObject();
            }
            if (replica != null) {
                out.endArray().endObject();
            }
            return out.endArray().endObject().toString();
        });
    }

    private void retention(RoutingContext ctx) {
        TimeWindow window = TimeWindow.of(ctx, Duration.ofHours(1));
        int bucket = window.bucketMinutes();
        Responses.json(ctx, statistics.retention(window.from(), window.to(), bucket, Bodies.query(ctx, "queue")), rows -> {
            long[] totals = new long[5];
            JsonOut out = window.writeHeader(new JsonOut(256 + rows.size() * 128).beginObject())
                    .name("series").beginArray();
            for (Row r : rows) {
                long[] values = {r.getLong("retention"), r.getLong("completed"), r.getLong("eviction"),
                        r.getLong("total"), r.getLong("events")};
                for (int i = 0; i < values.length; i++) {
                    totals[i] += values[i];
                }
                retentionCounts(out.beginObject().field("bucket", JsonOut.millis(r.getOffsetDateTime("bucket"))),
                        values).endObject();
            }
            out.endArray().name("totals").beginObject();
            return retentionCounts(out, totals).endObject().endObject().toString();
        });
    }

    private static JsonOut retentionCounts(JsonOut out, long[] v) {
        return out.field("retentionMsgs", v[0]).field("completedRetentionMsgs", v[1]).field("evictionMsgs", v[2])
                .field("totalMsgs", v[3]).field("eventCount", v[4]);
    }

}
