package io.queen.metrics;

import io.micrometer.core.instrument.Counter;
import io.queen.http.JsonOut;
import io.queen.queue.AckItem;
import io.queen.queue.AckResult;
import io.queen.queue.PoppedMessage;
import io.queen.queue.PushResult;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-minute counters of one worker (spec 2.1 worker_metrics, queue_lag_metrics,
 * queue_parked_replica). Owned by the worker and touched only on its event loop, so the hot
 * path pays a few field increments and a map lookup per queue, with no locks. The counts
 * since the last flush live in a {@link Window}; a flush takes the window and starts a new one.
 */
public final class WorkerMetrics {

    /** What one queue saw in a window. */
    static final class QueueDelta {
        /** By {@link QueenCounter} ordinal: the counters queue_lag_metrics keeps. */
        final long[] counts = new long[QueenCounter.COUNT];
        long lagSumMs;
        long lagMaxMs;
        /** Sum of the 1 Hz samples of parked long-polls = parked-seconds. */
        long parkedSeconds;
        /** The request that last counted here, so a request counts once per queue. */
        long lastRequest = -1;

        void add(QueenCounter c, long n) {
            counts[c.ordinal()] += n;
        }

        void absorb(QueueDelta o) {
            addAll(counts, o.counts);
            lagSumMs += o.lagSumMs;
            lagMaxMs = Math.max(lagMaxMs, o.lagMaxMs);
            parkedSeconds += o.parkedSeconds;
        }
    }

    private static void addAll(long[] into, long[] from) {
        for (int i = 0; i < into.length; i++) {
            into[i] += from[i];
        }
    }

    /** Everything counted since the last flush, for the minute {@code bucketMillis}. */
    public static final class Window {
        final long bucketMillis;
        int samples;
        double eventLoopLagSumMs;
        double eventLoopLagMaxMs;
        long freeSlotsSum;
        int freeSlotsMin = Integer.MAX_VALUE;
        long jobQueueSum;
        int jobQueueMax;
        int dbConnections;
        /** By {@link QueenCounter} ordinal: the counters worker_metrics keeps. */
        final long[] counts = new long[QueenCounter.COUNT];
        long lagCount;
        long lagSumMs;
        long lagMaxMs;
        final Map<String, QueueDelta> queues = new HashMap<>();

        Window(long bucketMillis) {
            this.bucketMillis = bucketMillis;
        }

        public long bucketMillis() {
            return bucketMillis;
        }

        void add(QueenCounter c, long n) {
            counts[c.ordinal()] += n;
        }

        /** Adds an older window (whose flush failed) into this one; its counts land in this minute. */
        void absorb(Window o) {
            if (o.samples > 0) {
                if (samples == 0) {
                    dbConnections = o.dbConnections;
                }
                samples += o.samples;
                eventLoopLagSumMs += o.eventLoopLagSumMs;
                eventLoopLagMaxMs = Math.max(eventLoopLagMaxMs, o.eventLoopLagMaxMs);
                freeSlotsSum += o.freeSlotsSum;
                freeSlotsMin = Math.min(freeSlotsMin, o.freeSlotsMin);
                jobQueueSum += o.jobQueueSum;
                jobQueueMax = Math.max(jobQueueMax, o.jobQueueMax);
            }
            addAll(counts, o.counts);
            lagCount += o.lagCount;
            lagSumMs += o.lagSumMs;
            lagMaxMs = Math.max(lagMaxMs, o.lagMaxMs);
            o.queues.forEach((name, delta) -> queues.computeIfAbsent(name, n -> new QueueDelta()).absorb(delta));
        }

        /**
         * The argument of the flush (worker_metrics_flush.sql): averages of this window with
         * their weights, counters as deltas, each under its column's name. {@code atMillis} is
         * when the window closed.
         */
        public String toJson(Replica replica, int workerId, long atMillis) {
            JsonOut out = new JsonOut(512 + queues.size() * 320).beginObject()
                    .field("bucket", bucketMillis)
                    .field("at", atMillis)
                    .field("hostname", replica.hostname())
                    .field("replica", replica.workerLabel(workerId))
                    .name("worker").beginObject()
                    .field("hostname", replica.hostname())
                    .field("worker_id", workerId)
                    .field("pid", replica.pid())
                    .field("sample_count", samples)
                    .field("avg_event_loop_lag_ms", samples == 0 ? 0.0 : eventLoopLagSumMs / samples)
                    .field("max_event_loop_lag_ms", eventLoopLagMaxMs)
                    .field("avg_free_slots", samples == 0 ? 0.0 : (double) freeSlotsSum / samples)
                    .field("min_free_slots", samples == 0 ? 0 : freeSlotsMin)
                    .field("db_connections", dbConnections)
                    .field("avg_job_queue_size", samples == 0 ? 0.0 : (double) jobQueueSum / samples)
                    .field("max_job_queue_size", jobQueueMax)
                    // no pop back-off in this server: parked pops are woken by pushes instead
                    .field("backoff_size", 0)
                    .field("lag_count", lagCount)
                    .field("avg_lag_ms", lagCount == 0 ? 0.0 : (double) lagSumMs / lagCount)
                    .field("max_lag_ms", lagMaxMs);
            counters(out, QueenCounter.Scope.WORKER, counts);
            out.endObject().name("queues").beginArray();
            // in name order, as the statement writes them (no deadlock between flushes)
            new TreeMap<>(queues).forEach((name, q) -> {
                long pops = q.counts[QueenCounter.POP_MESSAGES.ordinal()];
                out.beginObject()
                        .field("queue_name", name)
                        .field("avg_lag_ms", pops == 0 ? 0.0 : (double) q.lagSumMs / pops)
                        .field("max_lag_ms", q.lagMaxMs)
                        .field("parked_seconds", q.parkedSeconds);
                counters(out, QueenCounter.Scope.QUEUE, q.counts);
                out.endObject();
            });
            return out.endArray().endObject().toString();
        }

        private static void counters(JsonOut out, QueenCounter.Scope scope, long[] counts) {
            for (QueenCounter c : QueenCounter.stored(scope)) {
                out.field(c.in(scope).column(), counts[c.ordinal()]);
            }
        }
    }

    private Window window;
    /** Numbers requests, so that a request counts once in each queue it touches. */
    private long requestSeq;
    /** The queue the hot path touched last: most requests touch one queue, often the same. */
    private String lastQueue;
    private QueueDelta lastDelta;

    /** The process's Micrometer counters by {@link QueenCounter} ordinal (null: none). */
    private final Counter[] meters;

    public WorkerMetrics(QueenMetrics process, long nowMillis) {
        meters = process.meters();
        window = new Window(minuteOf(nowMillis));
    }

    public static long minuteOf(long millis) {
        return millis - Math.floorMod(millis, 60_000L);
    }

    /** Hands out the counts so far and starts a new window for the minute of {@code nowMillis}. */
    public Window take(long nowMillis) {
        Window taken = window;
        window = new Window(minuteOf(nowMillis));
        lastQueue = null;
        lastDelta = null;
        return taken;
    }

    /** Puts back the counts of a window whose flush failed: they go out with the next flush. */
    public void restore(Window failed) {
        window.absorb(failed);
    }

    public long currentBucketMillis() {
        return window.bucketMillis;
    }

    private QueueDelta queue(String name) {
        if (!name.equals(lastQueue)) {
            lastDelta = window.queues.computeIfAbsent(name, n -> new QueueDelta());
            lastQueue = name;
        }
        return lastDelta;
    }

    /** True the first time {@code request} touches {@code q}: a request counts once per queue. */
    private static boolean firstTouch(QueueDelta q, long request) {
        if (q.lastRequest == request) {
            return false;
        }
        q.lastRequest = request;
        return true;
    }

    /** Adds to the process's meter of {@code c}, if it has one. */
    private void meter(QueenCounter c, long n) {
        Counter meter = meters[c.ordinal()];
        if (meter != null) {
            meter.increment(n);
        }
    }

    /** Counts {@code n} of {@code c} in the process's meter and this worker's minute. */
    private void count(QueenCounter c, long n) {
        meter(c, n);
        window.add(c, n);
    }

    // ---- hot path: called on the worker's event loop, one call per outcome of a request ----

    /** A push stored in the database. */
    public void pushed(List<PushResult> results) {
        long request = ++requestSeq;
        count(QueenCounter.PUSH_REQUESTS, 1);
        long queued = 0;
        for (PushResult r : results) {
            QueueDelta q = queue(r.queue());
            if (firstTouch(q, request)) {
                q.add(QueenCounter.PUSH_REQUESTS, 1);
            }
            if (r.queued()) {
                queued++;
                q.add(QueenCounter.PUSH_MESSAGES, 1);
            }
        }
        count(QueenCounter.PUSH_MESSAGES, queued);
    }

    /**
     * A push written to the file buffer (maintenance or outage): accepted, not yet stored, so
     * its messages are not in the process's meter of stored messages.
     */
    public void pushBuffered(io.queen.queue.PushBatch batch) {
        long request = ++requestSeq;
        count(QueenCounter.PUSH_REQUESTS, 1);
        window.add(QueenCounter.PUSH_MESSAGES, batch.size());
        for (int i = 0; i < batch.size(); i++) {
            QueueDelta q = queue(batch.queue(i));
            if (firstTouch(q, request)) {
                q.add(QueenCounter.PUSH_REQUESTS, 1);
            }
            q.add(QueenCounter.PUSH_MESSAGES, 1);
        }
    }

    /** A pop answered without messages (nothing there, the long-poll timed out, or pops paused). */
    public void poppedEmpty(String queue) {
        popped(queue, List.of(), 0, false);
    }

    /**
     * A pop answered, with messages or empty; the lag of a message is now − its creation.
     * Auto-acked messages also count as acknowledged (successfully) in the worker's minute:
     * they are consumed, and the dashboard's "processed" must not stay at 0 for consumers
     * that auto-ack (the process's ack meters count ack requests only).
     */
    public void popped(String queue, List<PoppedMessage> messages, long nowMillis, boolean autoAcked) {
        count(QueenCounter.POP_REQUESTS, 1);
        QueueDelta q = queue(queue);
        if (messages.isEmpty()) {
            meter(QueenCounter.POP_EMPTY, 1);
            q.add(QueenCounter.POP_EMPTY, 1);
            return;
        }
        count(QueenCounter.POP_MESSAGES, messages.size());
        q.add(QueenCounter.POP_MESSAGES, messages.size());
        if (autoAcked) {
            window.add(QueenCounter.ACK_MESSAGES, messages.size());
            window.add(QueenCounter.ACK_SUCCESS, messages.size());
            q.add(QueenCounter.ACK_SUCCESS, messages.size());
        }
        for (PoppedMessage m : messages) {
            long lag = Math.max(0, nowMillis - m.createdMicros() / 1000);
            window.lagCount++;
            window.lagSumMs += lag;
            q.lagSumMs += lag;
            if (lag > window.lagMaxMs) {
                window.lagMaxMs = lag;
            }
            if (lag > q.lagMaxMs) {
                q.lagMaxMs = lag;
            }
        }
    }

    /**
     * An ack request answered. In the minute rows an acknowledgement counts as failed when
     * the consumer reported the message failed or the server refused it (unknown message,
     * lost lease), else as success; the process's meters count the server's verdict only.
     */
    public void acked(List<AckItem> items, List<AckResult> results) {
        long request = ++requestSeq;
        count(QueenCounter.ACK_REQUESTS, 1);
        count(QueenCounter.ACK_MESSAGES, results.size());
        for (AckResult r : results) {
            meter(r.success() ? QueenCounter.ACK_SUCCESS : QueenCounter.ACK_FAILED, 1);
            AckItem item = r.index() >= 0 && r.index() < items.size() ? items.get(r.index()) : null;
            boolean success = r.success() && (item == null || !"failed".equals(item.status()));
            QueenCounter outcome = success ? QueenCounter.ACK_SUCCESS : QueenCounter.ACK_FAILED;
            window.add(outcome, 1);
            if (r.dlq()) {
                count(QueenCounter.DLQ, 1);
            }
            if (r.queue() != null) {
                QueueDelta q = queue(r.queue());
                if (firstTouch(q, request)) {
                    q.add(QueenCounter.ACK_REQUESTS, 1);
                }
                q.add(outcome, 1);
            }
        }
    }

    /** A transaction answered; {@code queues} are those its pushes went to. */
    public void transaction(List<String> queues, int deadLettered) {
        long request = ++requestSeq;
        count(QueenCounter.TRANSACTIONS, 1);
        count(QueenCounter.DLQ, deadLettered);
        for (String name : queues) {
            if (name != null) {
                QueueDelta q = queue(name);
                if (firstTouch(q, request)) {
                    q.add(QueenCounter.TRANSACTIONS, 1);
                }
            }
        }
    }

    /** A hot-path database call (pop attempt, ack, transaction, lease) completed or failed. */
    public void databaseCall(boolean failed) {
        count(QueenCounter.JOBS_DONE, 1);
        if (failed) {
            count(QueenCounter.DB_ERRORS, 1);
        }
    }

    /** A hot-path database call failed whose completions are counted elsewhere (pushes: sampled). */
    public void dbError() {
        count(QueenCounter.DB_ERRORS, 1);
    }

    /** Hot-path database calls completed (fused push calls, as sampled). */
    public void jobsDone(long calls) {
        count(QueenCounter.JOBS_DONE, calls);
    }

    // ---- 1 Hz sampling ----

    public void sample(double eventLoopLagMs, int freeSlots, int jobQueue, int dbConnections) {
        Window w = window;
        w.samples++;
        w.eventLoopLagSumMs += eventLoopLagMs;
        w.eventLoopLagMaxMs = Math.max(w.eventLoopLagMaxMs, eventLoopLagMs);
        w.freeSlotsSum += freeSlots;
        w.freeSlotsMin = Math.min(w.freeSlotsMin, freeSlots);
        w.jobQueueSum += jobQueue;
        w.jobQueueMax = Math.max(w.jobQueueMax, jobQueue);
        w.dbConnections = dbConnections;
    }

    /** One second of {@code parked} long-polls waiting on {@code queue}. */
    public void parked(String queue, int parked) {
        queue(queue).parkedSeconds += parked;
    }
}
