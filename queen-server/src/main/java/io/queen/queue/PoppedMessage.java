package io.queen.queue;

import java.util.UUID;

/**
 * A delivered message; {@code payloadJson} is the stored JSON text, passed through as is, and
 * {@code createdMicros} its creation in microseconds since 1970 (no date object per message).
 */
public record PoppedMessage(UUID partitionId, String partition, UUID id, String transactionId, UUID traceId,
                            String payloadJson, String producerSub, long createdMicros) {
}
