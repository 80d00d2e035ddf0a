package io.queen.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Acks and pushes that commit together or not at all ({@code POST /api/v1/transaction}).
 *
 * <pre>{@code
 * Message m = queen.queue("orders").pop().get(0);
 * queen.transaction()
 *      .ack(m)
 *      .queue("invoices").partition("customer-42").push(Map.of("order", m.data()))
 *      .commit();
 * }</pre>
 *
 * A transaction is never sent twice: when its answer is lost, {@link #commit()} throws a
 * {@link QueenException} with status 0 and the outcome is unknown (check before retrying: a
 * repeated push with the same transaction id fails the whole transaction).
 */
public final class Transaction {
    private final Queen queen;
    private final List<Op> ops = new ArrayList<>();

    private sealed interface Op permits AckOp, PushOp {
    }

    private record AckOp(Message message, AckStatus status, String error) implements Op {
    }

    private record PushOp(String queue, String partition, OutgoingMessage message) implements Op {
    }

    Transaction(Queen queen) {
        this.queen = queen;
    }

    /** Acknowledges {@code message} as completed when the transaction commits. */
    public Transaction ack(Message message) {
        return ack(message, AckStatus.COMPLETED, null);
    }

    /** Acknowledges {@code message} with a status ({@code failed}/{@code dlq} dead-letter it at once). */
    public Transaction ack(Message message, AckStatus status, String error) {
        ops.add(new AckOp(message, status, error));
        return this;
    }

    /** Starts a push into {@code queue}; finish it with {@link Push#push(Object)}. */
    public Push queue(String queue) {
        return new Push(queue, null);
    }

    /** A push being described inside a transaction. */
    public final class Push {
        private final String queue;
        private final String partition;

        private Push(String queue, String partition) {
            this.queue = queue;
            this.partition = partition;
        }

        /** The partition to push into (default {@code Default}). */
        public Push partition(String partition) {
            return new Push(queue, partition);
        }

        /** Adds the push (payload as in {@link QueueRef#push(Object)}) and returns to the transaction. */
        public Transaction push(Object payload) {
            OutgoingMessage m = payload instanceof OutgoingMessage om ? om : OutgoingMessage.of(payload);
            ops.add(new PushOp(queue, partition, m));
            return Transaction.this;
        }

        /** Adds a push of JSON text, sent as is. */
        public Transaction pushJson(String rawJson) {
            return push(OutgoingMessage.json(rawJson));
        }
    }

    /**
     * Commits: everything takes effect, or (on the first failing operation) nothing does and a
     * {@link QueenException} says why. Returns the server's answer ({@code transactionId},
     * {@code results}).
     */
    public JsonNode commit() {
        return Transport.await(commitAsync());
    }

    /** The asynchronous twin of {@link #commit()}. */
    public CompletableFuture<JsonNode> commitAsync() {
        if (ops.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("An empty transaction"));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = queen.mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("operations");
            for (Op op : ops) {
                if (op instanceof AckOp a) {
                    g.writeStartObject();
                    g.writeStringField("type", "ack");
                    g.writeStringField("transactionId", a.message().transactionId());
                    g.writeStringField("partitionId", a.message().partitionId());
                    g.writeStringField("consumerGroup", a.message().consumerGroup());
                    g.writeStringField("status", a.status().wire());
                    if (!a.message().leaseId().isEmpty()) {
                        g.writeStringField("leaseId", a.message().leaseId());
                    }
                    if (a.error() != null) {
                        g.writeStringField("error", a.error());
                    }
                    g.writeEndObject();
                } else if (op instanceof PushOp p) {
                    g.writeStartObject();
                    g.writeStringField("type", "push");
                    g.writeArrayFieldStart("items");
                    String tx = p.message().transactionId() != null ? p.message().transactionId() : Uuid7.next();
                    queen.writeItem(g, p.queue(), p.message().partition() != null ? p.message().partition()
                            : p.partition(), p.message(), tx);
                    g.writeEndArray();
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialize the transaction", e);
        }
        return queen.transport.send(queen.transport.shared, "POST", "/api/v1/transaction", out.toByteArray(), null,
                Transport.Retry.UNSENT_ONLY).thenApply(r -> {
                    JsonNode answer = queen.transport.json(r);
                    if (answer == null || !answer.path("success").asBoolean(false)) {
                        throw new QueenException(r.status(), answer != null && answer.hasNonNull("error")
                                ? answer.get("error").asText() : "Transaction failed: " + answer);
                    }
                    return answer;
                });
    }
}
