package io.queen.queue;

/** Per-item ack outcome; business failures are reported here, not as HTTP errors. */
public record AckResult(int index, String transactionId, boolean success, String error, String queue,
                        String partition, Boolean leaseReleased, boolean dlq) {
}
