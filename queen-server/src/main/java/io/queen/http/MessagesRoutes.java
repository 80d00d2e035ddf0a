package io.queen.http;

import io.queen.longpoll.WakeUps;
import io.queen.queue.ConsumerGroups;
import io.queen.admin.Inspection;
import io.queen.admin.Inspection.MessageFilter;
import io.queen.admin.MessageActions;
import io.queen.crypto.Encryption;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.queen.http.MessageRoutes.guard;

/**
 * Everything under /api/v1/messages: the message browser (list, one message, delete; spec 3.9,
 * on the background pool) and the two message actions Queen's client and dashboard call and the
 * reference server never implemented, requeue a dead letter and move a message to the DLQ
 * (spec 3.19).
 */
final class MessagesRoutes {

    private static final Set<String> STATUSES = Set.of("pending", "processing", "completed", "dead_letter");

    private final Inspection inspection;
    private final Encryption encryption;
    private final MessageActions actions;
    private final WakeUps wakeUps;

    MessagesRoutes(Inspection inspection, Encryption encryption, MessageActions actions, WakeUps wakeUps) {
        this.inspection = inspection;
        this.encryption = encryption;
        this.actions = actions;
        this.wakeUps = wakeUps;
    }

    void mount(Router router) {
        router.get("/api/v1/messages").handler(guard(this::messages));
        router.get("/api/v1/messages/:partitionId/:transactionId").handler(guard(this::message));
        router.delete("/api/v1/messages/:partitionId/:transactionId").handler(guard(this::deleteMessage));
        router.post("/api/v1/messages/:partitionId/:transactionId/retry").handler(guard(this::retry));
        router.post("/api/v1/messages/:partitionId/:transactionId/dlq").handler(guard(this::moveToDlq));
    }

    private void retry(RoutingContext ctx) {
        String partition = ctx.pathParam("partitionId");
        String transaction = ctx.pathParam("transactionId");
        UUID partitionId = Uuids.parse(partition, "partitionId");
        Responses.json(ctx, actions.retry(partitionId, transaction).map(r -> {
            switch (r.outcome()) {
                case "not_found" -> throw new ApiError(404, "Message not found");
                case "not_dead_lettered" -> throw new ApiError(409, "Message is not in the dead-letter queue");
                case "in_use" -> throw new ApiError(409, "Consumer group(s) " + r.groups() + " hold the message in a"
                        + " lease or have consumed it; a requeued copy would make them skip messages or get it twice");
                default -> {
                    // parked pops on this queue, here and on other servers, can take it now
                    wakeUps.announce(Map.of(r.queue(), 1));
                    return r;
                }
            }
        }), r -> new JsonOut().beginObject()
                .field("success", true).field("partitionId", partition).field("transactionId", transaction)
                .field("messageId", r.messageId().toString()).field("queue", r.queue())
                .field("partition", r.partition())
                .field("message", "Message requeued at the end of its partition")
                .endObject().toString());
    }

    private void moveToDlq(RoutingContext ctx) {
        String partition = ctx.pathParam("partitionId");
        String transaction = ctx.pathParam("transactionId");
        UUID partitionId = Uuids.parse(partition, "partitionId");
        JsonObject body = Bodies.optionalObject(ctx);
        String given = Bodies.optionalString(body, "consumerGroup");
        String group = ConsumerGroups.orQueueMode(given);
        String reason = Bodies.optionalString(body, "errorMessage");
        String error = reason == null || reason.isEmpty() ? "Moved to the DLQ by an operator" : reason;
        Responses.json(ctx, actions.moveToDlq(partitionId, transaction, group, error).map(m -> switch (m.outcome()) {
            case "not_found" -> throw new ApiError(404, "Message not found");
            case "not_next" -> throw new ApiError(409, m.waiting() + " earlier message(s) of partition '"
                    + m.partition() + "' are not consumed by " + group + " yet; only a consumed message or the next"
                    + " one in line can be moved to the DLQ (FIFO order)");
            default -> {
                if (m.steppedOver()) {
                    wakeUps.announce(Map.of(m.queue(), 1)); // its lease is gone: the partition is free again
                }
                yield m;
            }
        }), m -> new JsonOut().beginObject()
                .field("success", true).field("partitionId", partition).field("transactionId", transaction)
                .field("consumerGroup", group).field("queue", m.queue()).field("partition", m.partition())
                .field("cursorAdvanced", m.steppedOver())
                .field("message", m.outcome().equals("already")
                        ? "Message was already in the dead-letter queue"
                        : "Message moved to the dead-letter queue")
                .endObject().toString());
    }

    private void messages(RoutingContext ctx) {
        String status = Bodies.query(ctx, "status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiError.badRequest("status must be one of pending, processing, completed, dead_letter");
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime from = Bodies.queryTimestamp(ctx, "from", now.minusHours(1));
        // the whole minute of "to" is included (spec 3.9)
        OffsetDateTime to = Bodies.queryTimestamp(ctx, "to", now).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        MessageFilter filter = new MessageFilter(Bodies.query(ctx, "queue"), Bodies.query(ctx, "partition"), Bodies.query(ctx, "ns"),
                Bodies.query(ctx, "task"), status, from, to, Bodies.queryLimit(ctx, 200), Bodies.queryInt(ctx, "offset", 0, 0));
        Responses.json(ctx, inspection.messages(filter), rows -> {
            boolean anyQueueMode = false;
            long busGroups = 0;
            JsonOut out = new JsonOut(256 + rows.size() * 512).beginObject().name("messages").beginArray();
            for (Row r : rows) {
                anyQueueMode |= r.getBoolean("has_queue_mode");
                busGroups = Math.max(busGroups, r.getLong("total_groups"));
                out.beginObject();
                messageFields(out, r);
                out.field("queueStatus", r.getString("queue_status"))
                        .name("busStatus").beginObject()
                        .field("consumedBy", r.getLong("consumed_by")).field("totalGroups", r.getLong("total_groups"))
                        .endObject()
                        .field("queuePriority", r.getInteger("priority"))
                        .field("leaseExpiresAt", JsonOut.millis(r.getOffsetDateTime("lease_expires_at")))
                        .endObject();
            }
            out.endArray();
            // over the listed messages: whether any partition has a queue-mode consumer, and
            // the most named groups any listed partition has
            out.name("mode").beginObject().field("hasQueueMode", anyQueueMode).field("busGroupsCount", busGroups)
                    .field("type", modeType(anyQueueMode, busGroups)).endObject();
            return out.endObject().toString();
        });
    }

    private static void messageFields(JsonOut out, Row r) {
        out.field("id", r.getUUID("id")).field("transactionId", r.getString("transaction_id"))
                .field("partitionId", r.getUUID("partition_id"))
                .field("queuePath", r.getString("queue") + "/" + r.getString("partition"))
                .field("queue", r.getString("queue")).field("partition", r.getString("partition"))
                .field("namespace", r.getString("namespace")).field("task", r.getString("task"))
                .field("status", r.getString("status"))
                .field("traceId", r.getUUID("trace_id")).field("producerSub", r.getString("producer_sub"))
                .field("createdAt", JsonOut.micros(r.getOffsetDateTime("created_at")));
    }

    private static String modeType(boolean queueMode, long busGroups) {
        if (queueMode) {
            return busGroups > 0 ? "hybrid" : "queue";
        }
        return busGroups > 0 ? "bus" : "none";
    }

    private void message(RoutingContext ctx) {
        UUID partitionId = Uuids.parse(ctx.pathParam("partitionId"), "partitionId");
        inspection.message(partitionId, ctx.pathParam("transactionId")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
            } else if (ar.result() == null) {
                Responses.error(ctx, 404, "Message not found");
            } else {
                Responses.json(ctx, 200, messageDetail(ar.result()));
            }
        });
    }

    private String messageDetail(Row r) {
        String payload = r.getString("payload");
        JsonOut out = new JsonOut(512 + payload.length()).beginObject();
        messageFields(out, r);
        Payloads.write(out, "payload", payload, encryption)
                .field("isEncrypted", r.getBoolean("is_encrypted"))
                .field("errorMessage", r.getString("error_message"))
                .field("retryCount", r.getInteger("retry_count") == null ? 0 : r.getInteger("retry_count"))
                .field("leaseExpiresAt", JsonOut.millis(r.getOffsetDateTime("lease_expires_at")))
                .name("queueConfig").beginObject()
                .field("leaseTime", r.getInteger("lease_time")).field("retryLimit", r.getInteger("retry_limit"))
                .field("retryDelay", r.getInteger("retry_delay")).field("ttl", r.getInteger("ttl"))
                .field("priority", r.getInteger("priority"))
                .endObject();
        boolean queueMode = r.getBoolean("has_queue_mode");
        long busGroups = r.getLong("total_groups");
        out.name("mode").beginObject().field("hasQueueMode", queueMode).field("busGroupsCount", busGroups)
                .field("consumedByGroups", r.getLong("consumed_by")).field("type", modeType(queueMode, busGroups))
                .endObject();
        out.name("consumerGroups").beginArray();
        String[] names = r.getArrayOfStrings("group_names");
        if (names != null) {
            Boolean[] consumed = r.getArrayOfBooleans("group_consumed");
            OffsetDateTime[] leases = r.getArrayOfOffsetDateTimes("group_leases");
            for (int i = 0; i < names.length; i++) {
                out.beginObject().field("name", names[i]).field("consumed", consumed[i])
                        .field("leaseExpiresAt", JsonOut.millis(leases[i])).endObject();
            }
        }
        return out.endArray().endObject().toString();
    }

    private void deleteMessage(RoutingContext ctx) {
        String partition = ctx.pathParam("partitionId");
        String transaction = ctx.pathParam("transactionId");
        Responses.json(ctx, inspection.deleteMessage(Uuids.parse(partition, "partitionId"), transaction),
                deleted -> new JsonOut().beginObject()
                        .field("success", deleted).field("partitionId", partition)
                        .field("transactionId", transaction)
                        .field("message", deleted ? "Message deleted successfully" : "Message not found")
                        .endObject().toString());
    }

    // ---- dead-letter queue (3.10) ----

}
