package io.queen.client;

import java.util.Objects;

/**
 * A message to push, with its optional transaction id, trace id and partition.
 *
 * <pre>{@code
 * queen.queue("orders").push(List.of(
 *     OutgoingMessage.of(new Order(1)).transactionId("order-1"),
 *     OutgoingMessage.json("{\"orderId\":2}").partition("customer-7").traceId(traceUuid)));
 * }</pre>
 *
 * Instances are immutable; every setter returns a copy.
 */
public final class OutgoingMessage {
    private final Object payload;
    private final String rawJson;
    private final String transactionId;
    private final String traceId;
    private final String partition;

    private OutgoingMessage(Object payload, String rawJson, String transactionId, String traceId, String partition) {
        this.payload = payload;
        this.rawJson = rawJson;
        this.transactionId = transactionId;
        this.traceId = traceId;
        this.partition = partition;
    }

    /**
     * A payload serialized with the client's ObjectMapper: a {@code JsonNode}, a record or POJO,
     * a Map, a number... A {@code String} becomes a JSON string; use {@link #json(String)} to
     * send JSON text as it is.
     */
    public static OutgoingMessage of(Object payload) {
        return new OutgoingMessage(payload, null, null, null, null);
    }

    /** A payload given as JSON text, sent as it is (not parsed, not validated by the client). */
    public static OutgoingMessage json(String rawJson) {
        return new OutgoingMessage(null, Objects.requireNonNull(rawJson, "rawJson"), null, null, null);
    }

    /**
     * The idempotency key: the server stores one message per (partition, transaction id). When
     * left out the client generates a UUIDv7, which is what makes push retries safe.
     */
    public OutgoingMessage transactionId(String id) {
        return new OutgoingMessage(payload, rawJson, id, traceId, partition);
    }

    /** A UUID that travels with the message (for correlating pipeline stages). */
    public OutgoingMessage traceId(String id) {
        return new OutgoingMessage(payload, rawJson, transactionId, id, partition);
    }

    /** The partition, overriding the {@link QueueRef}'s. */
    public OutgoingMessage partition(String name) {
        return new OutgoingMessage(payload, rawJson, transactionId, traceId, name);
    }

    Object payload() {
        return payload;
    }

    String rawJson() {
        return rawJson;
    }

    String transactionId() {
        return transactionId;
    }

    String traceId() {
        return traceId;
    }

    String partition() {
        return partition;
    }
}
