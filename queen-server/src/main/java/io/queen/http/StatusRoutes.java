package io.queen.http;

import io.queen.admin.Inspection;
import io.queen.admin.Inspection.MessageFilter;
import io.queen.admin.QueueListing;
import io.queen.admin.Statistics;
import io.queen.admin.Statistics.Scope;
import io.queen.buffer.FileBufferClient;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

import static io.queen.http.MessageRoutes.guard;

/**
 * Everything under /api/v1/status (spec 3.12): the dashboard's overview and message analytics
 * (from the stats job's tables and the per-minute metrics), the per-queue status views (the
 * same live counts as the resource endpoints, in the status shapes) and the file-buffer status.
 * All reads run on the worker's background pool.
 */
final class StatusRoutes {
    private static final OffsetDateTime BEGINNING = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private static final Set<String> INTERVALS = Set.of("minute", "hour", "day");

    private final int workerId;
    private final Inspection inspection;
    private final FileBufferClient buffer;
    private final Statistics statistics;

    StatusRoutes(int workerId, Inspection inspection, FileBufferClient buffer, Statistics statistics) {
        this.workerId = workerId;
        this.inspection = inspection;
        this.buffer = buffer;
        this.statistics = statistics;
    }

    void mount(Router router) {
        router.get("/api/v1/status").handler(guard(this::status));
        router.get("/api/v1/status/analytics").handler(guard(this::analytics));
        router.get("/api/v1/status/buffers").handler(guard(this::buffers));
        router.get("/api/v1/status/queues").handler(guard(this::queues));
        router.get("/api/v1/status/queues/:queue/messages").handler(guard(this::queueMessages));
        router.get("/api/v1/status/queues/:queue").handler(guard(this::queue));
    }

    private void buffers(RoutingContext ctx) {
        buffer.stats().onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            Responses.json(ctx, 200, new JsonOut().beginObject()
                    .field("pending", ar.result().getLong("pendingCount", 0L))
                    .field("failed", ar.result().getLong("failedCount", 0L))
                    .field("dbHealthy", ar.result().getBoolean("dbHealthy", false))
                    .field("worker", workerId)
                    .endObject().toString());
        });
    }

    private void queues(RoutingContext ctx) {
        QueueListing listing = QueueOrder.listing(ctx, ctx.request().getParam("namespace"),
                ctx.request().getParam("task"), 100);
        Responses.json(ctx, inspection.queues(listing), rows -> {
            JsonOut out = new JsonOut().beginObject().name("queues").beginArray();
            long total = ResourceRoutes.queueSummaries(out, rows);
            return out.endArray().name("pagination").beginObject().field("limit", listing.limit())
                    .field("offset", listing.offset()).endObject().field("total", total).endObject().toString();
        });
    }

    private void queue(RoutingContext ctx) {
        // without these parameters every partition is listed, as in spec 3.12
        boolean paged = Bodies.anyQuery(ctx, "limit", "offset", "search");
        int limit = Bodies.queryInt(ctx, "limit", paged ? 100 : Integer.MAX_VALUE, 1);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        inspection.queueStatus(ctx.pathParam("queue"), Bodies.query(ctx, "search"), limit, offset)
                .onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            if (ar.result().size() == 0) {
                Responses.error(ctx, 404, "Queue not found");
                return;
            }
            Row first = ar.result().iterator().next();
            JsonOut out = new JsonOut().beginObject().name("queue").beginObject()
                    .field("id", first.getUUID("id")).field("name", first.getString("name"))
                    .field("namespace", first.getString("namespace")).field("task", first.getString("task"))
                    .field("priority", first.getInteger("priority"))
                    .field("createdAt", JsonOut.millis(first.getOffsetDateTime("created_at")))
                    .name("config").beginObject()
                    .field("leaseTime", first.getInteger("lease_time"))
                    .field("retryLimit", first.getInteger("retry_limit"))
                    .field("retryDelay", first.getInteger("retry_delay"))
                    .field("ttl", first.getInteger("ttl"))
                    .field("maxQueueSize", first.getInteger("max_queue_size"))
                    .field("deadLetterQueue", first.getBoolean("dead_letter_queue"))
                    .endObject().endObject()
                    .name("partitions").beginArray();
            for (Row r : ar.result()) {
                if (r.getUUID("partition_id") == null) {
                    continue;
                }
                long[] counts = {r.getLong("total"), r.getLong("pending"), r.getLong("processing"),
                        r.getLong("completed"), r.getLong("dead_letter")};
                out.beginObject()
                        .field("id", r.getUUID("partition_id")).field("name", r.getString("partition_name"))
                        .field("createdAt", JsonOut.millis(r.getOffsetDateTime("partition_created_at")));
                counts(out.name("messages"), counts);
                counts(out.name("stats"), counts);
                out.name("cursor").beginObject()
                        .field("totalConsumed", r.getLong("total_consumed"))
                        .field("batchesConsumed", r.getLong("batches_consumed")).endObject()
                        .field("lastActivity", JsonOut.millis(r.getOffsetDateTime("last_activity")))
                        .field("oldestMessage", JsonOut.micros(r.getOffsetDateTime("oldest")))
                        .field("newestMessage", JsonOut.micros(r.getOffsetDateTime("newest")))
                        .endObject();
            }
            // the totals are over all the queue's partitions, whatever the page
            long[] totals = {first.getLong("sum_total"), first.getLong("sum_pending"), first.getLong("sum_processing"),
                    first.getLong("sum_completed"), first.getLong("sum_dead_letter")};
            out.endArray().name("totals").beginObject();
            counts(out.name("messages"), totals);
            out.field("total", totals[0]).field("pending", totals[1]).field("processing", totals[2])
                    .field("completed", totals[3]).field("failed", 0).field("deadLetter", totals[4]).endObject();
            if (paged) {
                out.name("pagination").beginObject().field("limit", limit).field("offset", offset).endObject()
                        .field("partitionsTotal", first.getLong("partitions_matching"));
            }
            Responses.json(ctx, 200, out.endObject().toString());
        });
    }

    /** {total, pending, processing, completed, failed, deadLetter}; failed is always 0 (spec 3.8). */
    private static void counts(JsonOut out, long[] c) {
        out.beginObject().field("total", c[0]).field("pending", c[1]).field("processing", c[2])
                .field("completed", c[3]).field("failed", 0).field("deadLetter", c[4]).endObject();
    }

    private void queueMessages(RoutingContext ctx) {
        String queue = ctx.pathParam("queue");
        int limit = Bodies.queryInt(ctx, "limit", 50, 1);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        if (limit > 10_000) {
            throw ApiError.badRequest("limit must be at most 10000");
        }
        // every message of the queue, newest first, whatever its age
        MessageFilter filter = new MessageFilter(queue, null, null, null, null, BEGINNING,
                OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1), limit, offset);
        inspection.queue(queue).compose(found -> {
            if (found.size() == 0) {
                throw new ApiError(404, "Queue not found");
            }
            return inspection.messages(filter);
        }).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            JsonOut out = new JsonOut().beginArray();
            for (Row r : ar.result()) {
                out.beginObject()
                        .field("id", r.getUUID("id")).field("transactionId", r.getString("transaction_id"))
                        .field("partitionId", r.getUUID("partition_id"))
                        .field("queuePath", r.getString("queue") + "/" + r.getString("partition"))
                        .field("queue", r.getString("queue")).field("partition", r.getString("partition"))
                        .field("status", r.getString("status"))
                        .field("createdAt", JsonOut.micros(r.getOffsetDateTime("created_at")))
                        .endObject();
            }
            Responses.json(ctx, 200, out.endArray().toString());
        });
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
        String interval = Bodies.query(ctx, "interval");
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

    // ---- request helpers ----

    private static Scope scope(RoutingContext ctx) {
        return new Scope(Bodies.query(ctx, "queue"), Bodies.query(ctx, "namespace"), Bodies.query(ctx, "task"));
    }

}
