package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server's answer for one acknowledged message.
 *
 * @param transactionId  the message's transaction id
 * @param success        whether the ack took effect ({@code false} e.g. for "Invalid or expired
 *                       lease": the lease ran out and the message will be, or was, delivered again)
 * @param error          why not, or null
 * @param queue          the message's queue
 * @param partition      the message's partition
 * @param leaseReleased  whether the partition's lease ended with this ack (null when unknown)
 * @param dlq            whether the message went to the dead-letter queue
 */
public record AckResult(String transactionId, boolean success, String error, String queue, String partition,
                        Boolean leaseReleased, boolean dlq) {

    static AckResult from(JsonNode n) {
        JsonNode released = n.get("leaseReleased");
        return new AckResult(PushResult.text(n, "transactionId"), n.path("success").asBoolean(false),
                PushResult.text(n, "error"), PushResult.text(n, "queueName"), PushResult.text(n, "partitionName"),
                released == null || released.isNull() ? null : released.asBoolean(), n.path("dlq").asBoolean(false));
    }
}
