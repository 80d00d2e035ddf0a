package io.queen.queue;

import java.util.UUID;

/** @param leaseId null: no lease validation (spec 2.9) */
public record AckItem(String transactionId, UUID partitionId, String status, UUID leaseId, String error) {
}
