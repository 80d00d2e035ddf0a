package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A queue, with the settings of the next push, pop or consumer. Immutable: every setter returns
 * a new reference, so one can be shared and specialised freely.
 *
 * <pre>{@code
 * QueueRef orders = queen.queue("orders");
 *
 * // push: records/POJOs/JsonNode are serialized with Jackson; pushJson sends JSON text as is
 * orders.partition("customer-42").push(new Order(42, "book"));
 * orders.pushJson("{\"orderId\": 43}");
 * orders.push(List.of(OutgoingMessage.of(new Order(44, "pen")).transactionId("order-44")));
 *
 * // pop and ack by hand
 * List<Message> batch = orders.group("billing").batch(10).wait(true).timeout(Duration.ofSeconds(5)).pop();
 * for (Message m : batch) {
 *     bill(m.data(Order.class));
 * }
 * queen.ack(batch);
 *
 * // or let a consumer do the loop: 4 workers, acks, failures, lease renewal
 * Consumer consumer = orders.group("billing").concurrency(4).batch(10)
 *         .consume(m -> bill(m.data(Order.class)));
 * }</pre>
 */
public final class QueueRef {
    final Queen queen;
    final String name;
    String partition;
    String group;
    int batch = 1;
    boolean wait;
    Duration timeout = Duration.ofSeconds(30);
    boolean autoAck;
    String subscriptionMode;
    String subscriptionFrom;
    int partitions = 1;
    int concurrency = 1;
    Duration idleStop;
    long limit;
    Duration renewLease;
    int retries;

    QueueRef(Queen queen, String name) {
        this.queen = queen;
        this.name = name;
    }

    private QueueRef copy() {
        QueueRef c = new QueueRef(queen, name);
        c.partition = partition;
        c.group = group;
        c.batch = batch;
        c.wait = wait;
        c.timeout = timeout;
        c.autoAck = autoAck;
        c.subscriptionMode = subscriptionMode;
        c.subscriptionFrom = subscriptionFrom;
        c.partitions = partitions;
        c.concurrency = concurrency;
        c.idleStop = idleStop;
        c.limit = limit;
        c.renewLease = renewLease;
        c.retries = retries;
        return c;
    }

    private QueueRef with(java.util.function.Consumer<QueueRef> change) {
        QueueRef c = copy();
        change.accept(c);
        return c;
    }

    /** The queue's name. */
    public String name() {
        return name;
    }

    /** Push to, or pop from, this partition only (default: pushes go to {@code Default}, pops take any). */
    public QueueRef partition(String partition) {
        return with(c -> c.partition = partition);
    }

    /** The consumer group (default: queue mode, {@code __QUEUE_MODE__}). Each group sees every message. */
    public QueueRef group(String group) {
        return with(c -> c.group = group);
    }

    /** At most this many messages per pop (default 1). */
    public QueueRef batch(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch must be at least 1");
        }
        return with(c -> c.batch = size);
    }

    /** Long-poll: wait up to {@link #timeout(Duration)} for messages instead of answering empty at once. */
    public QueueRef wait(boolean wait) {
        return with(c -> c.wait = wait);
    }

    /** How long a long-poll waits (default 30 s; consumers always long-poll). */
    public QueueRef timeout(Duration timeout) {
        return with(c -> c.timeout = timeout);
    }

    /**
     * Let the server acknowledge on delivery (default false). At-most-once: a pop whose answer is
     * lost loses its messages, so such pops are never retried.
     */
    public QueueRef autoAck(boolean autoAck) {
        return with(c -> c.autoAck = autoAck);
    }

    /**
     * Where a new consumer group starts: {@code "all"} (from the beginning, the default), {@code "new"}
     * (only messages pushed after the group first pops). For a point in time use {@link #subscriptionFrom(Instant)}.
     */
    public QueueRef subscriptionMode(String mode) {
        return with(c -> c.subscriptionMode = mode);
    }

    /** A new consumer group starts after this instant. */
    public QueueRef subscriptionFrom(Instant from) {
        return with(c -> c.subscriptionFrom = from == null ? null : from.toString());
    }

    /** Claim up to this many partitions in one pop (wildcard pops only; default 1). */
    public QueueRef partitions(int count) {
        return with(c -> c.partitions = Math.max(1, count));
    }

    /** Consumer: how many workers pop and handle in parallel (default 1). */
    public QueueRef concurrency(int workers) {
        return with(c -> c.concurrency = Math.max(1, workers));
    }

    /** Consumer: stop once no message arrived for this long (default: never). */
    public QueueRef idleStop(Duration idle) {
        return with(c -> c.idleStop = idle);
    }

    /** Consumer: stop after handling this many messages (default: no limit). */
    public QueueRef limit(long messages) {
        return with(c -> c.limit = messages);
    }

    /**
     * Consumer: extend the lease every {@code interval} while a batch is being handled. By default
     * the consumer reads the queue's lease time when it starts and renews at a third of it;
     * {@link Duration#ZERO} turns renewal off.
     */
    public QueueRef renewLease(Duration interval) {
        return with(c -> c.renewLease = interval);
    }

    /** Consumer: call the handler again this many times, at once, before reporting a failure (default 0). */
    public QueueRef retries(int retries) {
        return with(c -> c.retries = Math.max(0, retries));
    }

    // ---- push --------------------------------------------------------------------------------

    /**
     * Pushes one message. The payload is serialized with the client's ObjectMapper (records,
     * POJOs, Maps, {@code JsonNode}, numbers; a {@code String} becomes a JSON string — see
     * {@link #pushJson(String)} for JSON text). An {@link OutgoingMessage} is pushed with its
     * own transaction id, trace id and partition. A transaction id is generated (UUIDv7) when
     * none is given, so the push is retried safely after a lost answer.
     */
    public PushResult push(Object payload) {
        return Transport.await(pushAsync(payload));
    }

    /** Pushes a message whose payload is the given JSON text, sent as is (not parsed by the client). */
    public PushResult pushJson(String rawJson) {
        return push(OutgoingMessage.json(rawJson));
    }

    /** Pushes several messages in one call, in order; one result per message, in the same order. */
    public List<PushResult> push(List<OutgoingMessage> messages) {
        return Transport.await(pushAsync(messages));
    }

    /** The asynchronous twin of {@link #push(Object)}. */
    public CompletableFuture<PushResult> pushAsync(Object payload) {
        OutgoingMessage m = payload instanceof OutgoingMessage om ? om : OutgoingMessage.of(payload);
        return pushAsync(List.of(m)).thenApply(results -> results.get(0));
    }

    /** The asynchronous twin of {@link #push(List)}. */
    public CompletableFuture<List<PushResult>> pushAsync(List<OutgoingMessage> messages) {
        return queen.pushAsync(name, partition, messages, queen.transport.shared);
    }

    /**
     * A client-side buffer: messages pushed through it are sent in batches, when {@code count}
     * are waiting or {@code maxWait} after the first of them arrived, whichever comes first; also
     * on {@link BufferedProducer#flush()} and on close (of the producer or of the {@link Queen}).
     */
    public BufferedProducer buffer(int count, Duration maxWait) {
        return new BufferedProducer(this, count, maxWait);
    }

    // ---- pop ---------------------------------------------------------------------------------

    /** Pops up to {@link #batch(int)} messages (an empty list when there are none). */
    public List<Message> pop() {
        return Transport.await(popAsync());
    }

    /** The asynchronous twin of {@link #pop()}. */
    public CompletableFuture<List<Message>> popAsync() {
        return popAsync(queen.transport.shared, batch, wait, timeout);
    }

    CompletableFuture<List<Message>> popAsync(Transport.Affinity affinity, int size, boolean longPoll, Duration wait) {
        String path = "/api/v1/pop/queue/" + Transport.enc(name)
                + (partition == null ? "" : "/partition/" + Transport.enc(partition));
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("batch", size);
        q.put("wait", longPoll);
        if (longPoll) {
            q.put("timeout", wait.toMillis());
        }
        q.put("consumerGroup", group);
        q.put("autoAck", autoAck ? "true" : null);
        q.put("partitions", partitions > 1 && partition == null ? partitions : null);
        q.put("subscriptionMode", subscriptionMode);
        q.put("subscriptionFrom", subscriptionFrom);
        Duration httpTimeout = longPoll ? wait.plusSeconds(5) : queen.transport.requestTimeout();
        // a pop without autoAck is safe to repeat: a lost answer's lease just expires
        Transport.Retry retry = autoAck ? Transport.Retry.UNSENT_ONLY : Transport.Retry.IDEMPOTENT;
        return Transport.map(queen.transport.send(affinity, "GET", Transport.query(path, q), null, httpTimeout, retry),
                r -> {
                    if (r.status() == 204) {
                        return List.of();
                    }
                    JsonNode answer = queen.transport.json(r);
                    if (answer == null || !answer.path("messages").isArray()) {
                        if (answer != null && answer.has("error")) {
                            throw new QueenException(r.status(), answer.get("error").asText());
                        }
                        return List.of();
                    }
                    String queueName = answer.path("queue").asText(name);
                    List<Message> messages = new ArrayList<>(answer.get("messages").size());
                    for (JsonNode m : answer.get("messages")) {
                        messages.add(new Message(m, queueName, queen.mapper));
                    }
                    return messages;
                });
    }

    // ---- consume -----------------------------------------------------------------------------

    /**
     * Starts a consumer that calls {@code handler} for every message, in partition order, and
     * acknowledges it ({@code completed} when it returns, {@code failed} with the exception's text
     * when it throws: the server redelivers it up to the queue's retry limit, then dead-letters it).
     * Returns at once; see {@link Consumer} for stopping.
     */
    public Consumer consume(MessageHandler handler) {
        return Consumer.start(this, handler, null);
    }

    /** Like {@link #consume(MessageHandler)}, with a handler that takes each popped batch whole. */
    public Consumer consumeBatch(BatchHandler handler) {
        return Consumer.start(this, null, handler);
    }

    // ---- administration ----------------------------------------------------------------------

    /**
     * Creates the queue or replaces its options ({@code POST /api/v1/configure}). Options left out
     * of {@code options} are reset to the server's defaults (configure is a full upsert).
     * Returns the server's echo: {@code queueId}, {@code options}, ...
     */
    public JsonNode configure(QueueOptions options) {
        return queen.admin().configure(name, options);
    }

    /** The queue with its partitions and message counts ({@code GET /api/v1/resources/queues/:queue}). */
    public JsonNode describe() {
        return queen.admin().queue(name);
    }

    /** Deletes the queue with all its partitions, messages and consumer positions; true if it existed. */
    public boolean delete() {
        return queen.admin().deleteQueue(name);
    }
}
