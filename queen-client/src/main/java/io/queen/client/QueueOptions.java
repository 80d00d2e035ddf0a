package io.queen.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A queue's options for {@link QueueRef#configure(QueueOptions)}. Only the options set here are
 * sent; the server resets every other one to its default (configure is a full upsert).
 *
 * <pre>{@code
 * queen.queue("orders").configure(QueueOptions.builder()
 *         .leaseTime(60).retryLimit(5).namespace("shop").build());
 * }</pre>
 */
public final class QueueOptions {
    private final String namespace;
    private final String task;
    private final Map<String, Object> options;

    private QueueOptions(Builder b) {
        this.namespace = b.namespace;
        this.task = b.task;
        this.options = Map.copyOf(b.options);
    }

    /** A builder with nothing set (every option at the server's default). */
    public static Builder builder() {
        return new Builder();
    }

    /** The options as set, keyed by their wire names. */
    public Map<String, Object> options() {
        return options;
    }

    void writeTo(ObjectNode body) {
        if (namespace != null) {
            body.put("namespace", namespace);
        }
        if (task != null) {
            body.put("task", task);
        }
        ObjectNode o = body.putObject("options");
        options.forEach((k, v) -> o.putPOJO(k, v));
    }

    /** Builds {@link QueueOptions}. */
    public static final class Builder {
        private String namespace;
        private String task;
        private final Map<String, Object> options = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder set(String key, Object value) {
            options.put(key, value);
            return this;
        }

        /** A free-form tag for grouping queues. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** A second free-form tag. */
        public Builder task(String task) {
            this.task = task;
            return this;
        }

        /** Seconds a pop's lease lasts (default 300). */
        public Builder leaseTime(int seconds) {
            return set("leaseTime", seconds);
        }

        /** Failed acks redelivered before the message goes to the dead-letter queue (default 3). */
        public Builder retryLimit(int retries) {
            return set("retryLimit", retries);
        }

        /** Stored only (milliseconds). */
        public Builder retryDelay(int millis) {
            return set("retryDelay", millis);
        }

        /** Stored only. */
        public Builder priority(int priority) {
            return set("priority", priority);
        }

        /** Maximum unconsumed messages, checked when the server replays its file buffer (0 = none). */
        public Builder maxSize(int messages) {
            return set("maxSize", messages);
        }

        /** Stored only (seconds). */
        public Builder ttl(int seconds) {
            return set("ttl", seconds);
        }

        /** Stored only (the dead-letter queue is always used). */
        public Builder deadLetterQueue(boolean enabled) {
            return set("deadLetterQueue", enabled);
        }

        /** Stored only. */
        public Builder dlqAfterMaxRetries(boolean enabled) {
            return set("dlqAfterMaxRetries", enabled);
        }

        /** Seconds a message stays invisible after its push. */
        public Builder delayedProcessing(int seconds) {
            return set("delayedProcessing", seconds);
        }

        /** Seconds a partition must be quiet before its messages are delivered (debounce). */
        public Builder windowBuffer(int seconds) {
            return set("windowBuffer", seconds);
        }

        /** With retention enabled: delete every message older than this. */
        public Builder retentionSeconds(int seconds) {
            return set("retentionSeconds", seconds);
        }

        /** With retention enabled: delete consumed messages older than this. */
        public Builder completedRetentionSeconds(int seconds) {
            return set("completedRetentionSeconds", seconds);
        }

        /** The switch for the two retention options. */
        public Builder retentionEnabled(boolean enabled) {
            return set("retentionEnabled", enabled);
        }

        /** Encrypt payloads at rest (if the server has a key). */
        public Builder encryptionEnabled(boolean enabled) {
            return set("encryptionEnabled", enabled);
        }

        /** Delete unconsumed messages older than this. */
        public Builder maxWaitTimeSeconds(int seconds) {
            return set("maxWaitTimeSeconds", seconds);
        }

        /** Any other option, by its wire name. */
        public Builder option(String name, Object value) {
            return set(name, value);
        }

        /** The options. */
        public QueueOptions build() {
            return new QueueOptions(this);
        }
    }
}
