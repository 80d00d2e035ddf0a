package io.queen.queue;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A delivered message; {@code payloadJson} is the stored JSON text, passed through as is. */
public record PoppedMessage(UUID partitionId, String partition, UUID id, String transactionId, UUID traceId,
                            String payloadJson, String producerSub, OffsetDateTime createdAt) {
}
