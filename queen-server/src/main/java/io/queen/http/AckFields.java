package io.queen.http;

import io.queen.queue.AckItem;

import java.util.UUID;

/**
 * The checks one acknowledgment's fields pass, in one place for every reader: the single ack
 * and the transaction read a JsonObject tree, the batch ack streams its body. Each route first
 * refuses a transactionId or partitionId that is not a string, with a message of its own.
 */
final class AckFields {
    private AckFields() {
    }

    /**
     * {@code status}, {@code leaseId} and {@code error} are raw values: a String; null when absent
     * or JSON null; any other object for a value of another JSON type ("... must be a string").
     */
    static AckItem item(String transactionId, String partitionId, Object status, Object leaseId, Object error) {
        // the order of the checks decides which message a body with several faults gets: kept as it was
        UUID partition = Uuids.parse(partitionId, "partitionId");
        String checkedStatus = Names.ackStatus(Bodies.string(status, "status"));
        UUID lease = Uuids.optional(Bodies.string(leaseId, "leaseId"), "leaseId");
        return new AckItem(Names.transactionId(transactionId), partition,
                checkedStatus == null ? "completed" : checkedStatus, lease, Bodies.string(error, "error"));
    }
}
