package io.queen.http;

import io.queen.queue.ConsumerGroups;
import io.queen.admin.MessageActions;
import io.queen.queue.WakeUps;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.UUID;

import static io.queen.http.MessageRoutes.guard;

/**
 * Requeue a dead letter and move a message to the DLQ: the two message actions Queen's client
 * and dashboard call and the reference server never implemented (spec 3.19).
 */
final class MessageActionRoutes {

    private final MessageActions actions;
    private final WakeUps wakeUps;

    MessageActionRoutes(MessageActions actions, WakeUps wakeUps) {
        this.actions = actions;
        this.wakeUps = wakeUps;
    }

    void mount(Router router) {
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
}
