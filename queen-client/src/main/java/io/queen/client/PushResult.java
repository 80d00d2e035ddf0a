package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server's answer for one pushed message.
 *
 * @param status        {@code queued} (stored), {@code duplicate} (this transaction id was already
 *                      stored in the partition: nothing new stored), {@code buffered} (written to the
 *                      server's file buffer while its database is unavailable; stored later) or
 *                      {@code failed}
 * @param messageId     the stored message's id (null when buffered or failed)
 * @param transactionId the message's transaction id
 * @param partitionId   the partition's id, when the server reports it
 * @param traceId       the trace id, when one was given
 * @param queue         the queue
 * @param error         the error of a {@code failed} item, else null
 */
public record PushResult(String status, String messageId, String transactionId, String partitionId,
                         String traceId, String queue, String error) {

    /** True when the message is (or will be, for {@code buffered}) stored exactly once. */
    public boolean accepted() {
        return "queued".equals(status) || "duplicate".equals(status) || "buffered".equals(status);
    }

    /** True when the transaction id had already been stored. */
    public boolean duplicate() {
        return "duplicate".equals(status);
    }

    static PushResult from(JsonNode n, String sentTransactionId) {
        String tx = text(n, "transaction_id");
        if (tx == null) {
            tx = text(n, "transactionId");
        }
        return new PushResult(text(n, "status"), text(n, "message_id"), tx == null ? sentTransactionId : tx,
                text(n, "partition_id"), text(n, "trace_id"), text(n, "queueName") != null
                ? text(n, "queueName") : text(n, "queue"), text(n, "error"));
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
