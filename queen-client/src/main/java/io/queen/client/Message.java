package io.queen.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import java.time.Instant;

/**
 * A message handed out by a pop. The payload was parsed once, with the rest of the answer;
 * {@link #data()} gives that tree, {@link #data(Class)} maps it, {@link #rawData()} prints it.
 * Acknowledge it with {@link Queen#ack(Message)} (or let a {@link Consumer} do it).
 */
public final class Message {
    private final JsonNode node;
    private final String queue;
    private final ObjectMapper mapper;

    Message(JsonNode node, String queue, ObjectMapper mapper) {
        this.node = node;
        this.queue = queue;
        this.mapper = mapper;
    }

    private String text(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The message's id (a UUIDv7 given by the server). */
    public String id() {
        return text("id");
    }

    /** The producer's idempotency key, unique per partition; acks name the message by it. */
    public String transactionId() {
        return text("transactionId");
    }

    /** The id of the partition the message lives in. */
    public String partitionId() {
        return text("partitionId");
    }

    /** The lease this delivery holds, or {@code ""} when the pop acknowledged on delivery (autoAck). */
    public String leaseId() {
        String lease = text("leaseId");
        return lease == null ? "" : lease;
    }

    /** The queue the message was popped from. */
    public String queue() {
        return queue;
    }

    /** The partition's name. */
    public String partition() {
        return text("partition");
    }

    /** The consumer group this delivery is for ({@code __QUEUE_MODE__} when none was named). */
    public String consumerGroup() {
        String group = text("consumerGroup");
        return group == null ? "__QUEUE_MODE__" : group;
    }

    /** The optional trace id the producer attached, or null. */
    public String traceId() {
        return text("traceId");
    }

    /** The authenticated producer's identity, stamped by the server, or null. */
    public String producerSub() {
        return text("producerSub");
    }

    /** When the message was stored. */
    public Instant createdAt() {
        String at = text("createdAt");
        return at == null ? null : Instant.parse(at);
    }

    /** The payload as a JSON tree ({@link NullNode} for a JSON null payload). */
    public JsonNode data() {
        JsonNode data = node.get("data");
        return data == null ? NullNode.getInstance() : data;
    }

    /** The payload mapped to {@code type} with the client's ObjectMapper. */
    public <T> T data(Class<T> type) {
        try {
            return mapper.treeToValue(data(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The payload of message " + id() + " is not a " + type.getName(), e);
        }
    }

    /** The payload as JSON text. */
    public String rawData() {
        return data().toString();
    }

    /** The whole message object as the server sent it. */
    public JsonNode json() {
        return node;
    }

    @Override
    public String toString() {
        return "Message{" + queue + "/" + partition() + " " + transactionId() + " " + rawData() + "}";
    }
}
