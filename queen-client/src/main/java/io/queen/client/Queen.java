package io.queen.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A connection to one Queen server, or to several that share a database (failover).
 * Thread-safe; make one per application and close it at the end (that stops its consumers
 * gracefully and flushes its buffered producers).
 *
 * <pre>{@code
 * try (Queen queen = Queen.builder()
 *         .urls("http://queen-a:6632", "http://queen-b:6632")
 *         .tokenSupplier(tokens::current)
 *         .requestTimeout(Duration.ofSeconds(10))
 *         .build()) {
 *     queen.queue("orders").partition("customer-42").push(Map.of("orderId", 1));
 *
 *     List<Message> batch = queen.queue("orders").group("billing").batch(10).pop();
 *     queen.ack(batch);
 * }
 * }</pre>
 *
 * <p><b>Retries.</b> Every call fails over to the next URL when a server cannot be reached
 * (the request was never sent). Calls that are safe to repeat are also retried, with
 * exponential backoff, after a lost answer, a timeout or a 5xx: pushes (the client gives
 * every message a UUIDv7 transaction id when it has none, and the server stores one message
 * per partition and transaction id, so a repeated push answers {@code duplicate}), pops
 * without autoAck (a lost answer only delays its messages until their lease expires), lease
 * renewals and reads. Acks, transactions and autoAck pops are never sent twice by this client;
 * when their outcome is unknown they throw {@link QueenException} with status 0. (One caveat
 * below this client: the JDK's HTTP client itself re-sends a GET once when a reused keep-alive
 * connection closes before any byte of the answer arrived. For an autoAck pop whose server
 * took the messages and then died before answering, those messages are lost, which is the
 * at-most-once contract of autoAck; pops without autoAck are unaffected.)
 *
 * <p><b>Threads.</b> Blocking calls wait on the JDK HTTP client without holding monitors, so
 * they suit virtual threads (Java 21+); every blocking call has an {@code ...Async} twin
 * returning a {@link CompletableFuture}. Consumers run their loops on threads from
 * {@link Builder#threadFactory(ThreadFactory)} (pass {@code Thread.ofVirtual().factory()} on 21+).
 */
public final class Queen implements AutoCloseable {
    final Transport transport;
    final ObjectMapper mapper;
    final ThreadFactory consumerThreads;
    private final ExecutorService httpExecutor;
    private final List<Consumer> consumers = new CopyOnWriteArrayList<>();
    private final List<BufferedProducer> producers = new CopyOnWriteArrayList<>();
    private final Duration closeGrace;
    private volatile boolean closed;

    private Queen(Builder b) {
        this.mapper = b.mapper;
        AtomicInteger n = new AtomicInteger();
        this.httpExecutor = Executors.newCachedThreadPool(r -> daemon(r, "queen-http-" + n.incrementAndGet()));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "queen-timer"));
        this.transport = new Transport(b.urls, b.token, b.connectTimeout, b.requestTimeout, b.retries, b.backoff,
                mapper, httpExecutor, scheduler);
        AtomicInteger c = new AtomicInteger();
        this.consumerThreads = b.threadFactory != null ? b.threadFactory
                : r -> daemon(r, "queen-consumer-" + c.incrementAndGet());
        this.closeGrace = b.closeGrace;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A builder for a client; see {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client of the server at {@code url} with default settings. */
    public static Queen connect(String url) {
        return builder().url(url).build();
    }

    /** The queue {@code name}: push to it, pop from it, consume it, configure it. Cheap; no call is made. */
    public QueueRef queue(String name) {
        return new QueueRef(this, Objects.requireNonNull(name, "queue name"));
    }

    /** Starts a transaction: acks and pushes that commit together or not at all. */
    public Transaction transaction() {
        return new Transaction(this);
    }

    /** Administration and inspection: queues, messages, dead letters, consumer groups, maintenance. */
    public Admin admin() {
        return new Admin(this);
    }

    /** {@code GET /health}: the server's and its database's state (a 503 answer is returned, not thrown). */
    public JsonNode health() {
        Transport.Response r = Transport.await(transport.send(transport.shared, "GET", "/health", null, null,
                Transport.Retry.IDEMPOTENT));
        return r.status() == 503 ? transport.json(new Transport.Response(200, r.body(), r.server())) : transport.json(r);
    }

    // ---- ack ---------------------------------------------------------------------------------

    /** Acknowledges one message as completed. */
    public AckResult ack(Message message) {
        return ack(List.of(message), AckStatus.COMPLETED, null).get(0);
    }

    /** Acknowledges messages as completed, in one call per consumer group. */
    public List<AckResult> ack(List<Message> messages) {
        return ack(messages, AckStatus.COMPLETED, null);
    }

    /**
     * Acknowledges messages with {@code status} (and, for failures, {@code error}), in one call per
     * consumer group. Results come in the order of {@code messages}. An ack is never sent twice
     * when its answer is lost (status 0 {@link QueenException}); acking again by hand is harmless
     * for {@code completed}.
     */
    public List<AckResult> ack(List<Message> messages, AckStatus status, String error) {
        return Transport.await(ackAsync(messages, status, error));
    }

    /** Marks a message failed with {@code error}: it is redelivered until the retry limit, then dead-lettered. */
    public AckResult nack(Message message, String error) {
        return ack(List.of(message), AckStatus.FAILED, error).get(0);
    }

    /** The asynchronous twin of {@link #ack(List, AckStatus, String)}. */
    public CompletableFuture<List<AckResult>> ackAsync(List<Message> messages, AckStatus status, String error) {
        List<Ack> acks = new ArrayList<>();
        for (Message m : messages) {
            acks.add(new Ack(m, status, error));
        }
        return ackAsync(acks, transport.shared);
    }

    /** One message's acknowledgement inside a batch. */
    record Ack(Message message, AckStatus status, String error) {
    }

    CompletableFuture<List<AckResult>> ackAsync(List<Ack> acks, Transport.Affinity affinity) {
        if (acks.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < acks.size(); i++) {
            byGroup.computeIfAbsent(acks.get(i).message().consumerGroup(), g -> new ArrayList<>()).add(i);
        }
        AckResult[] results = new AckResult[acks.size()];
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        byGroup.forEach((group, indices) -> {
            ObjectNode body = mapper.createObjectNode();
            ArrayNode items = body.putArray("acknowledgments");
            for (int i : indices) {
                Ack a = acks.get(i);
                ObjectNode item = items.addObject()
                        .put("transactionId", a.message().transactionId())
                        .put("partitionId", a.message().partitionId())
                        .put("status", a.status().wire());
                if (!a.message().leaseId().isEmpty()) {
                    item.put("leaseId", a.message().leaseId());
                }
                if (a.error() != null) {
                    item.put("error", a.error());
                }
            }
            body.put("consumerGroup", group);
            calls.add(transport.send(affinity, "POST", "/api/v1/ack/batch", transport.write(body), null,
                    Transport.Retry.UNSENT_ONLY).thenAccept(r -> {
                        JsonNode answer = transport.json(r);
                        if (answer == null || !answer.isArray()) {
                            throw new QueenException(r.status(), answer != null && answer.has("error")
                                    ? answer.get("error").asText() : "Unexpected ack answer: " + answer);
                        }
                        for (int k = 0; k < indices.size() && k < answer.size(); k++) {
                            JsonNode item = answer.get(k);
                            int index = item.path("index").asInt(k);
                            results[indices.get(index < indices.size() ? index : k)] = AckResult.from(item);
                        }
                    }));
        });
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> List.of(results));
    }

    // ---- leases ------------------------------------------------------------------------------

    /** Extends a lease by 60 seconds from now (never shortens it). */
    public LeaseRenewal renewLease(String leaseId) {
        return renewLease(leaseId, Duration.ofSeconds(60));
    }

    /** Extends a lease so that it runs at least {@code extension} from now. Retried (idempotent). */
    public LeaseRenewal renewLease(String leaseId, Duration extension) {
        return Transport.await(renewLeaseAsync(leaseId, extension, transport.shared));
    }

    CompletableFuture<LeaseRenewal> renewLeaseAsync(String leaseId, Duration extension, Transport.Affinity affinity) {
        ObjectNode body = mapper.createObjectNode().put("seconds", Math.max(1, extension.toSeconds()));
        return transport.send(affinity, "POST", "/api/v1/lease/" + Transport.enc(leaseId) + "/extend",
                transport.write(body), null, Transport.Retry.IDEMPOTENT).thenApply(r -> {
                    JsonNode answer = transport.json(r);
                    return LeaseRenewal.from(answer != null && answer.isArray() ? answer.get(0) : answer);
                });
    }

    // ---- push --------------------------------------------------------------------------------

    CompletableFuture<List<PushResult>> pushAsync(String queue, String partition, List<OutgoingMessage> messages,
                                                  Transport.Affinity affinity) {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<String> txIds = new ArrayList<>(messages.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * messages.size());
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (OutgoingMessage m : messages) {
                String tx = m.transactionId() != null ? m.transactionId() : Uuid7.next();
                txIds.add(tx);
                writeItem(g, queue, m.partition() != null ? m.partition() : partition, m, tx);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialize the payload", e);
        }
        // safe to repeat: every item carries a transaction id, the server stores it once per partition
        return transport.send(affinity, "POST", "/api/v1/push", out.toByteArray(), null, Transport.Retry.IDEMPOTENT)
                .thenApply(r -> {
                    JsonNode answer = transport.json(r);
                    if (answer == null || !answer.isArray()) {
                        throw new QueenException(r.status(), "Unexpected push answer: " + answer);
                    }
                    List<PushResult> results = new ArrayList<>(answer.size());
                    for (int i = 0; i < answer.size(); i++) {
                        results.add(PushResult.from(answer.get(i), txIds.get(i)));
                    }
                    return results;
                });
    }

    /** Writes one push item: the payload goes through the generator, raw JSON text is copied as is. */
    void writeItem(JsonGenerator g, String queue, String partition, OutgoingMessage m, String tx) throws IOException {
        g.writeStartObject();
        g.writeStringField("queue", queue);
        if (partition != null) {
            g.writeStringField("partition", partition);
        }
        g.writeFieldName("payload");
        if (m.rawJson() != null) {
            g.writeRawValue(m.rawJson());
        } else {
            mapper.writeValue(g, m.payload());
        }
        g.writeStringField("transactionId", tx);
        if (m.traceId() != null) {
            g.writeStringField("traceId", m.traceId());
        }
        g.writeEndObject();
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    void register(Consumer consumer) {
        checkOpen();
        consumers.add(consumer);
    }

    void unregister(Consumer consumer) {
        consumers.remove(consumer);
    }

    void register(BufferedProducer producer) {
        checkOpen();
        producers.add(producer);
    }

    void unregister(BufferedProducer producer) {
        producers.remove(producer);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This Queen client is closed");
        }
    }

    /** The URLs this client talks to, in failover order. */
    public List<URI> urls() {
        return transport.urls();
    }

    /**
     * Stops every consumer gracefully (waiting up to the builder's close grace), flushes every
     * buffered producer, then releases the client's threads.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Consumer c : consumers) {
            c.stop();
        }
        long deadline = System.nanoTime() + closeGrace.toNanos();
        for (Consumer c : consumers) {
            c.awaitTermination(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        for (BufferedProducer p : producers) {
            try {
                p.close();
            } catch (RuntimeException e) {
                // the other producers still get flushed; the failure is this producer's to report
            }
        }
        transport.scheduler.shutdownNow();
        transport.closeHttp();
        httpExecutor.shutdown();
        try {
            httpExecutor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a {@link Queen} client. */
    public static final class Builder {
        private final List<URI> urls = new ArrayList<>();
        private Supplier<String> token;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration closeGrace = Duration.ofSeconds(30);
        private Duration backoff = Duration.ofMillis(100);
        private int retries = 3;
        private ObjectMapper mapper = new ObjectMapper();
        private ThreadFactory threadFactory;

        private Builder() {
        }

        /** The server's base URL, e.g. {@code http://localhost:6632}. */
        public Builder url(String url) {
            urls.add(URI.create(url.endsWith("/") ? url : url + "/"));
            return this;
        }

        /** Several servers on one database: calls stick to the one that answers and fail over in order. */
        public Builder urls(String... urls) {
            for (String u : urls) {
                url(u);
            }
            return this;
        }

        /** A fixed bearer token (sent as {@code Authorization: Bearer ...}). */
        public Builder token(String token) {
            this.token = token == null ? null : () -> token;
            return this;
        }

        /** A bearer token asked for on every request, so that it can be refreshed. */
        public Builder tokenSupplier(Supplier<String> supplier) {
            this.token = supplier;
            return this;
        }

        /** How long establishing a connection may take (default 5 s); then the next URL is tried. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long a request may take (default 30 s); long-polls get their wait time plus 5 s on top. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** How many times a retriable call is repeated (default 3; every URL is tried at least once). */
        public Builder retries(int retries) {
            this.retries = Math.max(0, retries);
            return this;
        }

        /** The first retry delay (default 100 ms), doubled per attempt, at most 5 s. */
        public Builder backoff(Duration backoff) {
            this.backoff = backoff;
            return this;
        }

        /** How long {@link Queen#close()} waits for consumers to finish (default 30 s). */
        public Builder closeGrace(Duration grace) {
            this.closeGrace = grace;
            return this;
        }

        /** The Jackson mapper for payloads (register modules on it, e.g. for java.time). */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = mapper;
            return this;
        }

        /** Where consumer loops run (default: daemon platform threads). */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = factory;
            return this;
        }

        /** Creates the client (no call is made yet). */
        public Queen build() {
            if (urls.isEmpty()) {
                url("http://localhost:6632");
            }
            return new Queen(this);
        }
    }
}
