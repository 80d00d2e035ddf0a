package io.queen.http;

import io.queen.admin.Statistics;
import io.queen.admin.Statistics.Scope;
import io.queen.jobs.MaintenanceJobsVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;

import static io.queen.http.InspectionRoutes.param;
import static io.queen.http.MessageRoutes.guard;

/**
 * The dashboard's overview and analytics (spec 3.12) and the forced statistics refresh (3.13).
 * Message counts come from the stats job's tables, counters from the per-minute metrics
 * tables; all reads run on the worker's background pool. A refresh is not computed here: the
 * process's jobs verticle runs it, queued behind any job run in progress and under the stats
 * job's lock, and this route only waits for its answer.
 */
final class StatsRoutes {
    private static final Set<String> INTERVALS = Set.of("minute", "hour", "day");
    /** A reconcile of a large database takes many chunks; the caller waits for all of them. */
    private static final long REFRESH_TIMEOUT_MS = 300_000;

    private final Statistics statistics;
    private final EventBus bus;

    StatsRoutes(Statistics statistics, EventBus bus) {
        this.statistics = statistics;
        this.bus = bus;
    }

    void mount(Router router) {
        router.post("/api/v1/stats/refresh").handler(guard(this::refresh));
        router.get("/api/v1/status").handler(guard(this::status));
        router.get("/api/v1/status/analytics").handler(guard(this::analytics));
        router.get("/api/v1/analytics/retention").handler(guard(this::retention));
        router.get("/api/v1/analytics/postgres-stats").handler(guard(ctx ->
                Responses.json(ctx, statistics.postgres(), document -> document)));
    }

    private void refresh(RoutingContext ctx) {
        Future<String> answer = bus.<JsonObject>request(MaintenanceJobsVerticle.STATS_REFRESH_ADDRESS, null,
                        new DeliveryOptions().setSendTimeout(REFRESH_TIMEOUT_MS))
                .map(reply -> reply.body().encode())
                .recover(e -> Future.failedFuture(e instanceof ReplyException
                        && ((ReplyException) e).failureType() != ReplyFailure.RECIPIENT_FAILURE
                        ? new ApiError(503, "Statistics job unavailable: " + e.getMessage()) : e));
        Responses.json(ctx, answer, body -> body);
    }

    // ---- GET /api/v1/status ----

    /** The parts of a /status answer, read in parallel. */
    private record StatusParts(RowSet<Row> throughput, RowSet<Row> queues, Row summary, RowSet<Row> errors,
                               RowSet<Row> workers) {
    }

    private void status(RoutingContext ctx) {
        TimeWindow window = TimeWindow.of(ctx, Duration.ofHours(1));
        int bucket = window.bucketMinutes();
        Scope scope = scope(ctx);
        Future<RowSet<Row>> throughput = statistics.throughput(window.from(), window.to(), bucket);
        Future<RowSet<Row>> queues = statistics.queues(scope);
        Future<Row> summary = statistics.summary(scope, window.from(), window.to());
        Future<RowSet<Row>> errors = statistics.topDeadLetterErrors(scope);
        Future<RowSet<Row>> workers = statistics.workers(window.from(), window.to());
        Future<StatusParts> parts = Future.all(throughput, queues, summary, errors, workers)
                .map(all -> new StatusParts(throughput.result(), queues.result(), summary.result(), errors.result(),
                        workers.result()));
        Responses.json(ctx, parts, p -> statusBody(window, p));
    }

    private static String statusBody(TimeWindow window, StatusParts p) {
        JsonOut out = window.writeHeader(new JsonOut(4096).beginObject())
                .field("pointCount", p.throughput().size())
                .name("throughput").beginArray();
        for (Row r : p.throughput()) {
            throughputPoint(out, r);
        }
        out.endArray().name("queues").beginArray();
        for (Row r : p.queues()) {
            out.beginObject().field("id", r.getUUID("id")).field("name", r.getString("name"))
                    .field("namespace", r.getString("namespace")).field("task", r.getString("task"))
                    .field("partitions", r.getLong("partitions")).field("totalConsumed", r.getLong("total_consumed"))
                    .endObject();
        }
        Row s = p.summary();
        out.endArray().name("messages").beginObject()
                .field("total", s.getLong("total")).field("pending", s.getLong("pending"))
                .field("processing", s.getLong("processing")).field("completed", s.getLong("completed"))
                // failed messages are dead letters or back to pending; as in the resource counts (3.8)
                .field("failed", 0).field("deadLetter", s.getLong("dead_letter"))
                .name("requests").beginObject()
                .field("push", s.getLong("push_requests")).field("pop", s.getLong("pop_requests"))
                .field("ack", s.getLong("ack_requests")).endObject()
                .name("batchEfficiency").beginObject()
                .field("push", perRequest(s.getLong("push_messages"), s.getLong("push_requests")))
                .field("pop", perRequest(s.getLong("pop_messages"), s.getLong("pop_requests")))
                .field("ack", perRequest(s.getLong("ack_messages"), s.getLong("ack_requests")))
                .endObject().endObject()
                .name("leases").beginObject()
                .field("active", s.getLong("leases_active"))
                .field("partitionsWithLeases", s.getLong("leased_partitions"))
                .field("totalBatchSize", s.getLong("lease_batch_size"))
                .field("totalAcked", s.getLong("lease_acked")).endObject()
                .name("deadLetterQueue").beginObject()
                .field("totalMessages", s.getLong("dlq_messages"))
                .field("affectedPartitions", s.getLong("dlq_partitions"))
                .name("topErrors").beginArray();
        for (Row r : p.errors()) {
            out.beginObject().field("error", r.getString("error")).field("count", r.getLong("count"))
                    .field("lastSeen", JsonOut.millis(r.getOffsetDateTime("last_seen"))).endObject();
        }
        out.endArray().endObject().name("workers").beginArray();
        for (Row r : p.workers()) {
            out.beginObject().field("hostname", r.getString("hostname")).field("workerId", r.getInteger("worker_id"))
                    .field("pid", r.getInteger("pid"))
                    .field("lastSeen", JsonOut.millis(r.getOffsetDateTime("bucket_time")))
                    .field("avgEventLoopLagMs", r.getDouble("avg_event_loop_lag_ms"))
                    .field("maxEventLoopLagMs", r.getDouble("max_event_loop_lag_ms"))
                    .field("freeSlots", r.getInteger("min_free_slots"))
                    .field("dbConnections", r.getInteger("db_connections"))
                    .field("jobQueueSize", r.getDouble("avg_job_queue_size"))
                    .field("messagesProcessed", r.getLong("processed")).endObject();
        }
        Double age = s.getDouble("stats_age");
        return out.endArray().name("errors").beginObject()
                .field("dbErrors", s.getLong("db_errors")).field("ackFailed", s.getLong("ack_failed"))
                .field("dlqMessages", s.getLong("dlq")).endObject()
                // null until the stats job has computed anything
                .field("statsAge", age == null ? null : Math.round(age))
                .endObject().toString();
    }

    private static void throughputPoint(JsonOut out, Row r) {
        out.beginObject()
                .field("timestamp", JsonOut.millis(r.getOffsetDateTime("bucket")))
                .field("ingested", r.getLong("ingested")).field("processed", r.getLong("processed"))
                .field("popMessages", r.getLong("pop_messages"))
                .field("ingestedPerSecond", r.getDouble("ingested_per_second"))
                .field("processedPerSecond", r.getDouble("processed_per_second"))
                .field("popPerSecond", r.getDouble("pop_per_second"))
                .field("avgLagMs", r.getDouble("avg_lag_ms")).field("maxLagMs", r.getLong("max_lag_ms"))
                .field("avgEventLoopLagMs", r.getDouble("avg_loop_lag_ms"))
                .field("maxEventLoopLagMs", r.getDouble("max_loop_lag_ms"))
                .field("minFreeSlots", r.getInteger("min_free_slots"))
                .field("dbErrors", r.getLong("db_errors")).field("ackFailed", r.getLong("ack_failed"))
                .field("dlqCount", r.getLong("dlq_count"))
                .field("queenCpuUserPct", r.getDouble("cpu_user_pct"))
                .field("queenCpuSysPct", r.getDouble("cpu_sys_pct"))
                .field("queenRssMb", r.getDouble("rss_mb"))
                .field("dbPoolActive", r.getDouble("pool_active"))
                .field("dbPoolIdle", r.getDouble("pool_idle"))
                .field("dbPoolSize", r.getDouble("pool_size"))
                .endObject();
    }

    /** Messages per request, 0 without requests. */
    private static double perRequest(long messages, long requests) {
        return requests == 0 ? 0 : (double) messages / requests;
    }

    // ---- analytics ----

    private void analytics(RoutingContext ctx) {
        String interval = param(ctx, "interval");
        String unit = interval == null ? "hour" : interval;
        if (!INTERVALS.contains(unit)) {
            throw ApiError.badRequest("interval must be one of minute, hour, day; got '" + interval + "'");
        }
        TimeWindow window = TimeWindow.of(ctx, Duration.ofHours(24));
        Duration bucket = unit.equals("minute") ? Duration.ofMinutes(1)
                : unit.equals("hour") ? Duration.ofHours(1) : Duration.ofDays(1);
        if (Duration.between(window.from(), window.to()).dividedBy(bucket) >= TimeWindow.MAX_BUCKETS) {
            throw ApiError.badRequest("Window too long for interval " + unit + ": at most " + TimeWindow.MAX_BUCKETS + " buckets");
        }
        // "to" is inclusive
        OffsetDateTime end = window.to().plusNanos(1000);
        Responses.json(ctx, statistics.messagesPerBucket(unit, window.from(), end, scope(ctx)), rows -> {
            JsonOut out = new JsonOut(128 + rows.size() * 64).beginObject().name("dataPoints").beginArray();
            for (Row r : rows) {
                out.beginObject().field("timestamp", JsonOut.millis(r.getOffsetDateTime("bucket")))
                        .field("messages", r.getLong("messages")).endObject();
            }
            return out.endArray().field("interval", unit)
                    .field("from", JsonOut.millis(window.from())).field("to", JsonOut.millis(window.to()))
                    .endObject().toString();
        });
    }

    private void retention(RoutingContext ctx) {
        TimeWindow window = TimeWindow.of(ctx, Duration.ofHours(1));
        int bucket = window.bucketMinutes();
        Responses.json(ctx, statistics.retention(window.from(), window.to(), bucket, param(ctx, "queue")), rows -> {
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

    // ---- request helpers ----

    private static Scope scope(RoutingContext ctx) {
        return new Scope(param(ctx, "queue"), param(ctx, "namespace"), param(ctx, "task"));
    }
}
