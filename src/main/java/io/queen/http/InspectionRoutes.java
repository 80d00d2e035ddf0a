package io.queen.http;

import io.queen.queue.ConsumerGroups;
import io.queen.admin.Inspection;
import io.queen.crypto.Encryption;
import io.queen.admin.Inspection.DlqFilter;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.queen.http.MessageRoutes.guard;

/** Resources, dead letters and traces (spec 3.8, 3.10, 3.11), all on the background pool. */
final class InspectionRoutes {
    /** Largest page any listing hands out, so one request cannot pull a whole table. */
    private static final int MAX_LIMIT = 10_000;

    private final int workerId;
    private final Inspection inspection;
    private final Encryption encryption;

    InspectionRoutes(int workerId, Inspection inspection, Encryption encryption) {
        this.encryption = encryption;
        this.workerId = workerId;
        this.inspection = inspection;
    }

    void mount(Router router) {
        router.get("/api/v1/resources/overview").handler(guard(this::overview));
        router.get("/api/v1/resources/queues").handler(guard(this::queues));
        router.get("/api/v1/resources/queues/:queue").handler(guard(this::queue));
        router.get("/api/v1/resources/namespaces").handler(guard(ctx -> groups(ctx, inspection.namespaces(),
                "namespaces", "namespace")));
        router.get("/api/v1/resources/tasks").handler(guard(ctx -> groups(ctx, inspection.tasks(), "tasks", "task")));
        router.get("/api/v1/dlq").handler(guard(this::deadLetters));
        router.post("/api/v1/traces").handler(guard(this::recordTrace));
        // static routes before the parameterised one (spec 3.0)
        router.get("/api/v1/traces/names").handler(guard(this::traceNames));
        router.get("/api/v1/traces/by-name/:traceName").handler(guard(this::tracesByName));
        router.get("/api/v1/traces/:partitionId/:transactionId").handler(guard(this::traces));
    }

    // ---- resources (3.8) ----

    private void overview(RoutingContext ctx) {
        Responses.json(ctx, inspection.overview(), r -> new JsonOut(1024).beginObject()
                .field("queues", r.getLong("queues")).field("partitions", r.getLong("partitions"))
                .field("namespaces", r.getLong("namespaces")).field("tasks", r.getLong("tasks"))
                .name("messages").beginObject()
                .field("total", r.getLong("total")).field("pending", r.getLong("pending"))
                .field("processing", r.getLong("processing")).field("completed", r.getLong("completed"))
                .field("failed", 0).field("deadLetter", r.getLong("dead_letter"))
                .endObject()
                .name("lag").beginObject()
                .name("time").beginObject()
                .field("avg", r.getDouble("time_avg")).field("median", r.getDouble("time_median"))
                .field("min", r.getDouble("time_min")).field("max", r.getDouble("time_max"))
                .endObject()
                .name("offset").beginObject()
                .field("avg", r.getDouble("offset_avg")).field("median", r.getDouble("offset_median"))
                .field("min", r.getDouble("offset_min")).field("max", r.getDouble("offset_max"))
                .endObject()
                .endObject()
                .name("throughput").beginObject()
                .field("ingestedPerSecond", r.getDouble("ingested"))
                .field("processedPerSecond", r.getDouble("processed_per_second"))
                .endObject()
                .field("timestamp", JsonOut.millis(r.getOffsetDateTime("now")))
                // computed by this very request
                .field("statsAge", 0)
                .endObject().toString());
    }

    private void queues(RoutingContext ctx) {
        Responses.json(ctx, inspection.queues(), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 256).beginObject().name("queues").beginArray();
            for (Row r : rows) {
                queueSummary(out, r);
            }
            return out.endArray().endObject().toString();
        });
    }

    /** One queue of a listing (resources and status share the shape). */
    static void queueSummary(JsonOut out, Row r) {
        out.beginObject()
                .field("id", r.getUUID("id")).field("name", r.getString("name"))
                .field("namespace", r.getString("namespace")).field("task", r.getString("task"))
                .field("createdAt", JsonOut.millis(r.getOffsetDateTime("created_at")))
                .field("partitions", r.getLong("partitions"))
                .name("messages").beginObject()
                .field("total", r.getLong("total")).field("pending", r.getLong("pending"))
                .field("processing", r.getLong("processing"))
                .endObject().endObject();
    }

    private void queue(RoutingContext ctx) {
        inspection.queue(ctx.pathParam("queue")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
            } else if (ar.result().size() == 0) {
                Responses.error(ctx, 404, "Queue not found");
            } else {
                Responses.json(ctx, 200, queueDetail(ar.result()));
            }
        });
    }

    private static String queueDetail(RowSet<Row> rows) {
        Row first = rows.iterator().next();
        JsonOut out = new JsonOut(512 + rows.size() * 384).beginObject()
                .field("id", first.getUUID("id")).field("name", first.getString("name"))
                .field("namespace", first.getString("namespace")).field("task", first.getString("task"))
                .field("createdAt", JsonOut.millis(first.getOffsetDateTime("created_at")))
                .name("partitions").beginArray();
        long total = 0;
        long pending = 0;
        long processing = 0;
        long completed = 0;
        long deadLetter = 0;
        for (Row r : rows) {
            if (r.getUUID("partition_id") == null) {
                continue; // a queue without partitions still has its one row
            }
            total += r.getLong("total");
            pending += r.getLong("pending");
            processing += r.getLong("processing");
            completed += r.getLong("completed");
            deadLetter += r.getLong("dead_letter");
            out.beginObject()
                    .field("id", r.getUUID("partition_id")).field("name", r.getString("partition_name"))
                    .field("createdAt", JsonOut.millis(r.getOffsetDateTime("partition_created_at")));
            stats(out.name("stats"), r.getLong("total"), r.getLong("pending"), r.getLong("processing"),
                    r.getLong("completed"), r.getLong("dead_letter"));
            out.field("oldestMessage", JsonOut.micros(r.getOffsetDateTime("oldest")))
                    .field("newestMessage", JsonOut.micros(r.getOffsetDateTime("newest")))
                    .endObject();
        }
        out.endArray();
        stats(out.name("totals"), total, pending, processing, completed, deadLetter);
        return out.endObject().toString();
    }

    private static void stats(JsonOut out, long total, long pending, long processing, long completed,
                              long deadLetter) {
        // no message state is "failed" here: a failed ack is either retried (pending) or dead-lettered
        out.beginObject().field("total", total).field("pending", pending).field("processing", processing)
                .field("completed", completed).field("failed", 0).field("deadLetter", deadLetter).endObject();
    }

    private void groups(RoutingContext ctx, Future<RowSet<Row>> result, String listName, String keyName) {
        Responses.json(ctx, result, rows -> {
            JsonOut out = new JsonOut().beginObject().name(listName).beginArray();
            for (Row r : rows) {
                out.beginObject().field(keyName, r.getString("name"))
                        .field("queues", r.getLong("queues")).field("partitions", r.getLong("partitions"))
                        .name("messages").beginObject()
                        .field("total", r.getLong("total")).field("pending", r.getLong("pending"))
                        .endObject().endObject();
            }
            return out.endArray().endObject().toString();
        });
    }

    // ---- messages (3.9) ----

    private void deadLetters(RoutingContext ctx) {
        int limit = limit(ctx, 100);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        DlqFilter filter = new DlqFilter(param(ctx, "queue"), param(ctx, "consumerGroup"), param(ctx, "partition"),
                timestampParam(ctx, "from", null), timestampParam(ctx, "to", null), limit, offset);
        Responses.json(ctx, inspection.deadLetters(filter), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 512).beginObject().name("messages").beginArray();
            long total = 0;
            for (Row r : rows) {
                total = r.getLong("total");
                if (r.getUUID("message_id") == null) {
                    continue; // the page is empty; the row only carries the total
                }
                out.beginObject()
                        .field("id", r.getUUID("message_id")).field("transactionId", r.getString("transaction_id"))
                        .field("partitionId", r.getUUID("partition_id"))
                        .field("queue", r.getString("queue")).field("partition", r.getString("partition"))
                        .field("consumerGroup", r.getString("consumer_group"))
                        .field("errorMessage", r.getString("error_message"))
                        .field("retryCount", r.getInteger("retry_count"));
                Payloads.write(out, "data", r.getString("data"), encryption)
                        .field("producerSub", r.getString("producer_sub"))
                        .field("createdAt", JsonOut.micros(r.getOffsetDateTime("created_at")))
                        .field("failedAt", JsonOut.millis(r.getOffsetDateTime("failed_at")))
                        .endObject();
            }
            return out.endArray()
                    .name("pagination").beginObject().field("limit", limit).field("offset", offset).endObject()
                    .field("total", total)
                    .endObject().toString();
        });
    }

    // ---- traces (3.11) ----

    private void recordTrace(RoutingContext ctx) {
        JsonObject body = Bodies.object(ctx);
        String transactionId = Bodies.optionalString(body, "transactionId");
        String partitionId = Bodies.optionalString(body, "partitionId");
        if (transactionId == null || transactionId.isEmpty() || partitionId == null || partitionId.isEmpty()) {
            throw ApiError.badRequest("transactionId and partitionId are required");
        }
        if (body.getValue("data") == null) {
            throw ApiError.badRequest("data is required");
        }
        String group = Bodies.optionalString(body, "consumerGroup");
        String eventType = Bodies.optionalString(body, "eventType");
        Inspection.Trace trace = new Inspection.Trace(Uuids.parse(partitionId, "partitionId"), transactionId,
                ConsumerGroups.orQueueMode(group),
                eventType == null || eventType.isEmpty() ? "info" : eventType,
                Json.encode(body.getValue("data")), Integer.toString(workerId), traceNames(body));
        inspection.recordTrace(trace).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
            } else if (ar.result() == null) {
                Responses.json(ctx, 404, new JsonOut().beginObject()
                        .field("success", false).field("error", "Message not found").endObject().toString());
            } else {
                Responses.json(ctx, 201, new JsonOut().beginObject()
                        .field("success", true).field("traceId", ar.result()).endObject().toString());
            }
        });
    }

    /** traceNames may be absent, null, one string or an array of strings. */
    private static String[] traceNames(JsonObject body) {
        Object raw = body.getValue("traceNames");
        if (raw == null) {
            return new String[0];
        }
        if (raw instanceof String) {
            return new String[] {(String) raw};
        }
        if (!(raw instanceof JsonArray)) {
            throw ApiError.badRequest("traceNames must be a string or an array of strings");
        }
        List<String> names = new ArrayList<>();
        for (Object name : (JsonArray) raw) {
            if (!(name instanceof String)) {
                throw ApiError.badRequest("traceNames must be a string or an array of strings");
            }
            names.add((String) name);
        }
        return names.toArray(new String[0]);
    }

    private void traces(RoutingContext ctx) {
        UUID partitionId = Uuids.parse(ctx.pathParam("partitionId"), "partitionId");
        Responses.json(ctx, inspection.traces(partitionId, ctx.pathParam("transactionId")), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 256).beginObject().name("traces").beginArray();
            for (Row r : rows) {
                out.beginObject().field("id", r.getUUID("id")).field("event_type", r.getString("event_type"))
                        .name("data").raw(r.getString("data"))
                        .field("consumer_group", r.getString("consumer_group"))
                        .field("worker_id", r.getString("worker_id"))
                        .field("created_at", JsonOut.millis(r.getOffsetDateTime("created_at")));
                names(out, r).endObject();
            }
            return out.endArray().endObject().toString();
        });
    }

    private void tracesByName(RoutingContext ctx) {
        int limit = limit(ctx, 100);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        Responses.json(ctx, inspection.tracesByName(ctx.pathParam("traceName"), limit, offset), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 512).beginObject().name("traces").beginArray();
            long total = 0;
            for (Row r : rows) {
                total = r.getLong("total");
                if (r.getUUID("id") == null) {
                    continue;
                }
                out.beginObject().field("id", r.getUUID("id"))
                        .field("transaction_id", r.getString("transaction_id"))
                        .field("partition_id", r.getUUID("partition_id"))
                        .field("event_type", r.getString("event_type"))
                        .name("data").raw(r.getString("data"))
                        .field("consumer_group", r.getString("consumer_group"))
                        .field("worker_id", r.getString("worker_id"))
                        .field("created_at", JsonOut.millis(r.getOffsetDateTime("created_at")))
                        .field("queue_name", r.getString("queue_name"))
                        .field("partition_name", r.getString("partition_name"));
                Payloads.write(out, "message_payload", r.getString("message_payload"), encryption);
                names(out, r).endObject();
            }
            return page(out.endArray(), total, limit, offset);
        });
    }

    private void traceNames(RoutingContext ctx) {
        int limit = limit(ctx, 50);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        Responses.json(ctx, inspection.traceNames(limit, offset), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 128).beginObject().name("trace_names").beginArray();
            long total = 0;
            for (Row r : rows) {
                total = r.getLong("total");
                if (r.getString("trace_name") == null) {
                    continue;
                }
                out.beginObject().field("trace_name", r.getString("trace_name"))
                        .field("trace_count", r.getLong("trace_count"))
                        .field("message_count", r.getLong("message_count"))
                        .field("last_seen", JsonOut.millis(r.getOffsetDateTime("last_seen")))
                        .endObject();
            }
            return page(out.endArray(), total, limit, offset);
        });
    }

    private static JsonOut names(JsonOut out, Row r) {
        out.name("trace_names").beginArray();
        for (String name : r.getArrayOfStrings("trace_names")) {
            out.value(name);
        }
        return out.endArray();
    }

    private static String page(JsonOut out, long total, int limit, int offset) {
        return out.field("total", total)
                .name("pagination").beginObject().field("limit", limit).field("offset", offset).endObject()
                .endObject().toString();
    }

    // ---- request helpers ----

    /** A query parameter; absent or empty means "no filter". */
    static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    static OffsetDateTime timestampParam(RoutingContext ctx, String name, OffsetDateTime fallback) {
        String raw = param(ctx, name);
        return raw == null ? fallback : Bodies.requiredTimestamp(raw, name);
    }

    static int limit(RoutingContext ctx, int fallback) {
        int limit = Bodies.queryInt(ctx, "limit", fallback, 1);
        if (limit > MAX_LIMIT) {
            throw ApiError.badRequest("limit must be at most " + MAX_LIMIT + ", got " + limit);
        }
        return limit;
    }

}
