package io.queen.queue;

import java.util.UUID;

/** Outcome of one pushed item: {@code queued} or {@code duplicate} (then the stored id). */
public record PushResult(int index, String status, UUID messageId, UUID partitionId, UUID traceId,
                         String transactionId, String queue) {
    public boolean queued() {
        return "queued".equals(status);
    }
}
