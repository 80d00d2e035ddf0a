package io.queen.http;

import io.queen.admin.Inspection;
import io.queen.admin.Inspection.MessageFilter;
import io.queen.buffer.FileBufferClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.queen.http.MessageRoutes.guard;

/**
 * The dashboard's per-queue status views and the file-buffer status (part of spec 3.12).
 * The numbers are the same live counts as the resource endpoints, in the status shapes.
 */
final class StatusRoutes {
    private static final OffsetDateTime BEGINNING = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final int workerId;
    private final Inspection inspection;
    private final FileBufferClient buffer;

    StatusRoutes(int workerId, Inspection inspection, FileBufferClient buffer) {
        this.workerId = workerId;
        this.inspection = inspection;
        this.buffer = buffer;
    }

    void mount(Router router) {
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
        String namespace = ctx.request().getParam("namespace");
        String task = ctx.request().getParam("task");
        int limit = Bodies.queryInt(ctx, "limit", 100, 1);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        inspection.queues().onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            List<Row> matching = new ArrayList<>();
            for (Row r : ar.result()) {
                if ((namespace == null || namespace.equals(r.getString("namespace")))
                        && (task == null || task.equals(r.getString("task")))) {
                    matching.add(r);
                }
            }
            int from = Math.min(offset, matching.size());
            int to = (int) Math.min(matching.size(), (long) offset + limit);
            JsonOut out = new JsonOut().beginObject().name("queues").beginArray();
            for (Row r : matching.subList(from, to)) {
                InspectionRoutes.queueSummary(out, r);
            }
            out.endArray().name("pagination").beginObject().field("limit", limit).field("offset", offset)
                    .endObject().field("total", matching.size());
            Responses.json(ctx, 200, out.endObject().toString());
        });
    }

    private void queue(RoutingContext ctx) {
        inspection.queueStatus(ctx.pathParam("queue")).onComplete(ar -> {
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
            long[] totals = new long[5];
            for (Row r : ar.result()) {
                if (r.getUUID("partition_id") == null) {
                    continue;
                }
                long[] counts = {r.getLong("total"), r.getLong("pending"), r.getLong("processing"),
                        r.getLong("completed"), r.getLong("dead_letter")};
                for (int i = 0; i < counts.length; i++) {
                    totals[i] += counts[i];
                }
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
            out.endArray().name("totals").beginObject();
            counts(out.name("messages"), totals);
            out.field("total", totals[0]).field("pending", totals[1]).field("processing", totals[2])
                    .field("completed", totals[3]).field("failed", 0).field("deadLetter", totals[4]);
            Responses.json(ctx, 200, out.endObject().endObject().toString());
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
}
