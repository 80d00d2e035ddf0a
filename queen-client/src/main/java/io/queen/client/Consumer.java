package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running consumer ({@link QueueRef#consume(MessageHandler)}): {@code concurrency} workers, each
 * long-polling the queue, calling the handler and acknowledging.
 *
 * <pre>{@code
 * Consumer consumer = queen.queue("orders").group("billing")
 *         .concurrency(4).batch(10)
 *         .consume(message -> bill(message.data(Order.class)));
 * ...
 * consumer.stop();                                   // graceful
 * consumer.awaitTermination(Duration.ofSeconds(30));
 * System.out.println(consumer.processed() + " billed, " + consumer.failed() + " failed");
 * }</pre>
 *
 * <p><b>Acknowledgement.</b> A message whose handler returns is acked {@code completed}; one whose
 * handler throws (after {@link QueueRef#retries(int)} local re-runs) is acked {@code failed} with
 * the exception's text, so the server redelivers it up to the queue's {@code retryLimit} and
 * then moves it to the dead-letter queue. A failure gives the partition's lease back, so the
 * rest of that partition's batch is not handled now but redelivered, in order, with it
 * (unless the failure went to the dead-letter queue: then the batch goes on). With
 * {@code autoAck(true)} nothing is acked (the server did it on delivery) and a failed message
 * is lost.
 *
 * <p><b>Leases.</b> While a batch is being handled its lease is extended periodically (see
 * {@link QueueRef#renewLease(Duration)}), so a slow handler does not see its messages delivered
 * to someone else.
 *
 * <p><b>Stopping.</b> {@link #stop()} is graceful: workers stop popping (a long-poll waiting for
 * messages is abandoned), handlers that are running finish and their messages are acked, and
 * the messages of a batch that were not started yet are given back at once with an ack of status
 * {@code retry}, which releases the lease without counting a retry: they are delivered again,
 * in order, to the next pop. (If a long-poll is abandoned just as the server hands it messages,
 * those come back when their lease expires.) A consumer also stops by itself on
 * {@link QueueRef#limit(long)} or {@link QueueRef#idleStop(Duration)}, when its {@link Queen} closes, and
 * when the server refuses its pops with a 4xx (bad settings, missing permission: see
 * {@link #lastError()}); other pop failures (server unreachable, 5xx) are retried every second.
 */
public final class Consumer implements AutoCloseable {
    private static final long DEFAULT_LEASE_SECONDS = 300;

    private final Queen queen;
    private final QueueRef ref;
    private final MessageHandler handler;
    private final BatchHandler batchHandler;
    private final Transport.Affinity affinity;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong lastMessageAt = new AtomicLong(System.nanoTime());
    private final AtomicInteger running = new AtomicInteger();
    private final Set<CompletableFuture<?>> polls = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final CompletableFuture<Long> leaseMillis;
    private volatile boolean stopping;
    private volatile Throwable lastError;

    private Consumer(QueueRef ref, MessageHandler handler, BatchHandler batchHandler) {
        this.queen = ref.queen;
        this.ref = ref;
        this.handler = handler;
        this.batchHandler = batchHandler;
        this.affinity = queen.transport.newAffinity(); // a consumer keeps to one server while it answers
        this.leaseMillis = discoverLeaseTime();
    }

    static Consumer start(QueueRef ref, MessageHandler handler, BatchHandler batchHandler) {
        Consumer c = new Consumer(ref, handler, batchHandler);
        ref.queen.register(c);
        c.running.set(ref.concurrency);
        for (int i = 0; i < ref.concurrency; i++) {
            ref.queen.consumerThreads.newThread(c::work).start();
        }
        return c;
    }

    /** The lease time to renew against: explicit interval, else the queue's configured lease time. */
    private CompletableFuture<Long> discoverLeaseTime() {
        if (ref.autoAck || (ref.renewLease != null && ref.renewLease.isZero())) {
            return CompletableFuture.completedFuture(0L);
        }
        if (ref.renewLease != null) {
            return CompletableFuture.completedFuture(ref.renewLease.toMillis() * 3);
        }
        return queen.transport.send(affinity, "GET", "/api/v1/status/queues/" + Transport.enc(ref.name), null, null,
                Transport.Retry.IDEMPOTENT).handle((r, e) -> {
                    if (e == null && r.ok()) {
                        JsonNode node = queen.transport.json(r);
                        long seconds = node == null ? 0 : node.path("queue").path("config").path("leaseTime").asLong(0);
                        if (seconds > 0) {
                            return seconds * 1000;
                        }
                    }
                    return DEFAULT_LEASE_SECONDS * 1000;
                });
    }

    private long leaseMillis() {
        try {
            return leaseMillis.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DEFAULT_LEASE_SECONDS * 1000;
        } catch (ExecutionException | TimeoutException e) {
            return DEFAULT_LEASE_SECONDS * 1000;
        }
    }

    private void work() {
        try {
            while (!stopping) {
                int size = ref.batch;
                if (ref.limit > 0) {
                    long left = ref.limit - started.get();
                    if (left <= 0) {
                        stop();
                        break;
                    }
                    size = (int) Math.min(size, left);
                }
                Duration wait = ref.timeout;
                if (ref.idleStop != null && ref.idleStop.compareTo(wait) < 0) {
                    wait = ref.idleStop.toMillis() < 100 ? Duration.ofMillis(100) : ref.idleStop;
                }
                CompletableFuture<List<Message>> poll = ref.popAsync(affinity, size, true, wait);
                polls.add(poll);
                if (stopping) {
                    poll.cancel(true);
                }
                List<Message> messages;
                try {
                    messages = poll.get();
                } catch (CancellationException e) {
                    break;
                } catch (ExecutionException e) {
                    lastError = Transport.unwrap(e);
                    if (lastError instanceof QueenException qe && qe.status() >= 400 && qe.status() < 500
                            && qe.status() != 408 && qe.status() != 429) {
                        stop(); // refused (bad settings, no permission): asking again will not help
                        break;
                    }
                    pause(1000);
                    continue;
                } finally {
                    polls.remove(poll);
                }
                if (messages.isEmpty()) {
                    if (ref.idleStop != null
                            && System.nanoTime() - lastMessageAt.get() >= ref.idleStop.toNanos()) {
                        stop();
                    }
                    continue;
                }
                lastMessageAt.set(System.nanoTime());
                handle(messages);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            lastError = e;
        } finally {
            if (running.decrementAndGet() == 0) {
                queen.unregister(this);
                terminated.complete(null);
            }
        }
    }

    private void pause(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!stopping && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    private void handle(List<Message> messages) {
        ScheduledFuture<?> renewal = startRenewal(messages);
        List<Queen.Ack> acks = new ArrayList<>();
        Map<String, Message> release = new LinkedHashMap<>(); // first unstarted message per partition
        try {
            if (batchHandler != null) {
                handleBatch(messages, acks, release);
            } else {
                Set<String> givenBack = new HashSet<>();
                for (Message m : messages) {
                    String partition = m.partitionId();
                    if (givenBack.contains(partition)) {
                        continue;
                    }
                    if (stopping || !reserve(1)) {
                        release.putIfAbsent(partition, m);
                        givenBack.add(partition);
                        continue;
                    }
                    Throwable error = run(() -> handler.handle(m));
                    if (error == null) {
                        processed.incrementAndGet();
                        acks.add(new Queen.Ack(m, AckStatus.COMPLETED, null));
                    } else {
                        failed.incrementAndGet();
                        acks.add(new Queen.Ack(m, AckStatus.FAILED, describe(error)));
                        List<AckResult> results = send(acks);
                        acks.clear();
                        AckResult last = results.isEmpty() ? null : results.get(results.size() - 1);
                        if (last == null || !last.dlq()) {
                            givenBack.add(partition); // lease released: the rest comes again after the retry
                        }
                    }
                }
            }
        } finally {
            if (renewal != null) {
                renewal.cancel(false);
            }
            for (Message m : release.values()) {
                acks.add(new Queen.Ack(m, AckStatus.RETRY, null));
            }
            send(acks);
        }
    }

    private void handleBatch(List<Message> messages, List<Queen.Ack> acks, Map<String, Message> release) {
        if (stopping || !reserve(messages.size())) {
            for (Message m : messages) {
                release.putIfAbsent(m.partitionId(), m);
            }
            return;
        }
        Throwable error = run(() -> batchHandler.handle(messages));
        if (error == null) {
            processed.addAndGet(messages.size());
        } else {
            failed.addAndGet(messages.size());
        }
        for (Message m : messages) {
            acks.add(new Queen.Ack(m, error == null ? AckStatus.COMPLETED : AckStatus.FAILED,
                    error == null ? null : describe(error)));
        }
    }

    /** Counts messages against {@link QueueRef#limit(long)}; false when the limit is reached. */
    private boolean reserve(int n) {
        if (ref.limit <= 0) {
            started.addAndGet(n);
            return true;
        }
        while (true) {
            long now = started.get();
            if (now + n > ref.limit) {
                return false;
            }
            if (started.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private Throwable run(Body body) {
        Throwable error = null;
        for (int attempt = 0; attempt <= ref.retries; attempt++) {
            try {
                body.run();
                return null;
            } catch (Exception e) {
                error = e;
            }
        }
        return error;
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    }

    /** Acks (nothing with autoAck); a failure is kept as {@link #lastError()}: the lease expires and redelivers. */
    private List<AckResult> send(List<Queen.Ack> acks) {
        if (acks.isEmpty() || ref.autoAck) {
            return List.of();
        }
        try {
            return Transport.await(queen.ackAsync(new ArrayList<>(acks), affinity));
        } catch (RuntimeException e) {
            lastError = e;
            return List.of();
        }
    }

    /** Renews the batch's leases periodically while it is handled; null when there is nothing to renew. */
    private ScheduledFuture<?> startRenewal(List<Message> messages) {
        long lease = leaseMillis();
        if (lease <= 0) {
            return null;
        }
        long every = ref.renewLease != null ? ref.renewLease.toMillis() : Math.max(200, lease / 3);
        Duration extension = Duration.ofMillis(Math.max(lease, every * 3));
        Set<String> leases = new LinkedHashSet<>();
        for (Message m : messages) {
            if (!m.leaseId().isEmpty()) {
                leases.add(m.leaseId());
            }
        }
        if (leases.isEmpty()) {
            return null;
        }
        return queen.transport.scheduler.scheduleAtFixedRate(() -> {
            for (String id : leases) {
                queen.renewLeaseAsync(id, extension, affinity).exceptionally(e -> {
                    lastError = e;
                    return null;
                });
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops gracefully (see the class comment) and returns at once; {@link #awaitTermination(Duration)} waits. */
    public void stop() {
        stopping = true;
        for (CompletableFuture<?> poll : polls) {
            poll.cancel(true);
        }
    }

    /** Waits until every worker has finished; true if they did within {@code timeout}. */
    public boolean awaitTermination(Duration timeout) {
        try {
            terminated.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /** Completes when every worker has finished. */
    public CompletableFuture<Void> termination() {
        return terminated.copy();
    }

    /** Stops and waits up to 30 seconds. */
    @Override
    public void close() {
        stop();
        awaitTermination(Duration.ofSeconds(30));
    }

    /** Whether workers are still running. */
    public boolean isRunning() {
        return !terminated.isDone();
    }

    /** Messages whose handler returned normally. */
    public long processed() {
        return processed.get();
    }

    /** Messages whose handler threw (each delivery counts). */
    public long failed() {
        return failed.get();
    }

    /** The last error met while popping, acking or renewing (null if none); the consumer carries on. */
    public Throwable lastError() {
        return lastError;
    }
}
