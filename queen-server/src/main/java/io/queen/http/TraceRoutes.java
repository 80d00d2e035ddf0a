package io.queen.http;

import io.queen.queue.ConsumerGroups;
import io.queen.admin.Inspection;
import io.queen.crypto.Encryption;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.queen.http.MessageRoutes.guard;

/**
 * Everything under /api/v1/traces (spec 3.11): record, list names, by name, by message; on the
 * background pool.
 */
final class TraceRoutes {
    private final int workerId;
    private final Inspection inspection;
    private final Encryption encryption;

    TraceRoutes(int workerId, Inspection inspection, Encryption encryption) {
        this.encryption = encryption;
        this.workerId = workerId;
        this.inspection = inspection;
    }

    void mount(Router router) {
        router.post("/api/v1/traces").handler(guard(this::recordTrace));
        // static routes before the parameterised one (spec 3.0)
        router.get("/api/v1/traces/names").handler(guard(this::traceNames));
        router.get("/api/v1/traces/by-name/:traceName").handler(guard(this::tracesByName));
        router.get("/api/v1/traces/:partitionId/:transactionId").handler(guard(this::traces));
    }


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
        int limit = Bodies.queryLimit(ctx, 100);
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
        int limit = Bodies.queryLimit(ctx, 50);
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

}
