package io.queen.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client-side push buffer ({@link QueueRef#buffer(int, Duration)}): messages are collected and
 * sent in one push call when {@code count} of them wait, or when the oldest has waited
 * {@code maxWait}; also on {@link #flush()} and {@link #close()} (and when the {@link Queen}
 * closes). Batches are sent one after the other, so messages keep their order.
 *
 * <pre>{@code
 * try (BufferedProducer events = queen.queue("events").buffer(500, Duration.ofMillis(100))) {
 *     for (Event e : source) {
 *         events.push(e);            // returns at once with a future of the push's result
 *     }
 * }                                  // close() sends what is left and waits for it
 * }</pre>
 *
 * A message is only sent, at the earliest, when its batch is: until then it lives in this
 * process's memory and is lost if the process dies.
 */
public final class BufferedProducer implements AutoCloseable {
    private record Pending(OutgoingMessage message, CompletableFuture<PushResult> result) {
    }

    private final QueueRef ref;
    private final int count;
    private final Duration maxWait;
    private final ReentrantLock lock = new ReentrantLock();
    private List<Pending> pending = new ArrayList<>();
    private ScheduledFuture<?> timer;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private boolean closed;

    BufferedProducer(QueueRef ref, int count, Duration maxWait) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1");
        }
        this.ref = ref;
        this.count = count;
        this.maxWait = maxWait;
        ref.queen.register(this);
    }

    /** Buffers a message (payload as in {@link QueueRef#push(Object)}); the future completes once it is sent. */
    public CompletableFuture<PushResult> push(Object payload) {
        OutgoingMessage m = payload instanceof OutgoingMessage om ? om : OutgoingMessage.of(payload);
        CompletableFuture<PushResult> result = new CompletableFuture<>();
        List<Pending> batch = null;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("This buffer is closed");
            }
            pending.add(new Pending(m, result));
            if (pending.size() >= count) {
                batch = drainLocked();
            } else if (timer == null) {
                timer = ref.queen.transport.scheduler.schedule(this::flushAsync, maxWait.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (batch != null) {
                sendLocked(batch);
            }
        } finally {
            lock.unlock();
        }
        return result;
    }

    /** Buffers a message whose payload is JSON text, sent as is. */
    public CompletableFuture<PushResult> pushJson(String rawJson) {
        return push(OutgoingMessage.json(rawJson));
    }

    /** How many messages wait to be sent. */
    public int pending() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    private List<Pending> drainLocked() {
        List<Pending> batch = pending;
        pending = new ArrayList<>();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        return batch;
    }

    /** Chains the batch after the previous one (no I/O under the lock: only the chaining). */
    private void sendLocked(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<OutgoingMessage> messages = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            messages.add(p.message());
        }
        tail = tail.thenCompose(v -> ref.queen.pushAsync(ref.name, ref.partition, messages, ref.queen.transport.shared)
                .handle((results, error) -> {
                    for (int i = 0; i < batch.size(); i++) {
                        if (error != null) {
                            batch.get(i).result().completeExceptionally(Transport.unwrap(error));
                        } else if (i < results.size()) {
                            batch.get(i).result().complete(results.get(i));
                        } else {
                            batch.get(i).result().completeExceptionally(new QueenException(0, "No result for message " + i));
                        }
                    }
                    return null;
                }));
    }

    /** Sends what waits now; the future completes when everything buffered so far has been sent. */
    public CompletableFuture<Void> flushAsync() {
        lock.lock();
        try {
            sendLocked(drainLocked());
            return tail;
        } finally {
            lock.unlock();
        }
    }

    /** Sends what waits and waits until everything buffered so far has been sent (results: the push futures). */
    public void flush() {
        Transport.await(flushAsync());
    }

    /** Flushes and refuses further messages. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        try {
            flush();
        } finally {
            ref.queen.unregister(this);
        }
    }
}
