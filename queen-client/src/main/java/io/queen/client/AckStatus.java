package io.queen.client;

/** How a message is acknowledged. */
public enum AckStatus {
    /** Processed: the group's cursor moves past it. */
    COMPLETED("completed"),
    /** Processing failed: redelivered until the queue's {@code retryLimit}, then dead-lettered. */
    FAILED("failed"),
    /** Straight to the dead-letter queue. */
    DLQ("dlq"),
    /** Give the lease back without counting a retry: the message (and the rest of its batch) comes again. */
    RETRY("retry");

    private final String wire;

    AckStatus(String wire) {
        this.wire = wire;
    }

    /** The status as sent to the server. */
    public String wire() {
        return wire;
    }
}
