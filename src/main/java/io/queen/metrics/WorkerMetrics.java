package io.queen.metrics;

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
        long pushRequests;
        long pushMessages;
        long popMessages;
        long popEmpty;
        long lagSumMs;
        long lagMaxMs;
        long ackRequests;
        long ackSuccess;
        long ackFailed;
        long transactions;
        /** Sum of the 1 Hz samples of parked long-polls = parked-seconds. */
        long parkedSeconds;
        /** The request that last counted here, so a request counts once per queue. */
        long lastRequest = -1;

        void absorb(QueueDelta o) {
            pushRequests += o.pushRequests;
            pushMessages += o.pushMessages;
            popMessages += o.popMessages;
            popEmpty += o.popEmpty;
            lagSumMs += o.lagSumMs;
            lagMaxMs = Math.max(lagMaxMs, o.lagMaxMs);
            ackRequests += o.ackRequests;
            ackSuccess += o.ackSuccess;
            ackFailed += o.ackFailed;
            transactions += o.transactions;
            parkedSeconds += o.parkedSeconds;
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
        long pushRequests;
        long popRequests;
        long ackRequests;
        long transactions;
        long pushMessages;
        long popMessages;
        long ackMessages;
        long ackSuccess;
        long ackFailed;
        long lagCount;
        long lagSumMs;
        long lagMaxMs;
        long dbErrors;
        long dlq;
        long jobsDone;
        final Map<String, QueueDelta> queues = new HashMap<>();

        Window(long bucketMillis) {
            this.bucketMillis = bucketMillis;
        }

        public long bucketMillis() {
            return bucketMillis;
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
            pushRequests += o.pushRequests;
            popRequests += o.popRequests;
            ackRequests += o.ackRequests;
            transactions += o.transactions;
            pushMessages += o.pushMessages;
            popMessages += o.popMessages;
            ackMessages += o.ackMessages;
            ackSuccess += o.ackSuccess;
            ackFailed += o.ackFailed;
            lagCount += o.lagCount;
            lagSumMs += o.lagSumMs;
            lagMaxMs = Math.max(lagMaxMs, o.lagMaxMs);
            dbErrors += o.dbErrors;
            dlq += o.dlq;
            jobsDone += o.jobsDone;
            o.queues.forEach((name, delta) -> queues.computeIfAbsent(name, n -> new QueueDelta()).absorb(delta));
        }

        /**
         * The argument of queen.record_worker_metrics_v1 (V007): averages of this window with
         * their weights, counters as deltas. {@code atMillis} is when the window closed.
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
                    .field("push_request_count", pushRequests)
                    .field("pop_request_count", popRequests)
                    .field("ack_request_count", ackRequests)
                    .field("transaction_count", transactions)
                    .field("push_message_count", pushMessages)
                    .field("pop_message_count", popMessages)
                    .field("ack_message_count", ackMessages)
                    .field("ack_success_count", ackSuccess)
                    .field("ack_failed_count", ackFailed)
                    .field("lag_count", lagCount)
                    .field("avg_lag_ms", lagCount == 0 ? 0.0 : (double) lagSumMs / lagCount)
                    .field("max_lag_ms", lagMaxMs)
                    .field("db_error_count", dbErrors)
                    .field("dlq_count", dlq)
                    .field("jobs_done", jobsDone)
                    .endObject()
                    .name("queues").beginArray();
            // in name order, as the function writes them (no deadlock between flushes)
            new TreeMap<>(queues).forEach((name, q) -> out.beginObject()
                    .field("queue_name", name)
                    .field("pop_count", q.popMessages)
                    .field("avg_lag_ms", q.popMessages == 0 ? 0.0 : (double) q.lagSumMs / q.popMessages)
                    .field("max_lag_ms", q.lagMaxMs)
                    .field("push_request_count", q.pushRequests)
                    .field("push_message_count", q.pushMessages)
                    .field("pop_empty_count", q.popEmpty)
                    .field("ack_request_count", q.ackRequests)
                    .field("ack_success_count", q.ackSuccess)
                    .field("ack_failed_count", q.ackFailed)
                    .field("transaction_count", q.transactions)
                    .field("parked_seconds", q.parkedSeconds)
                    .endObject());
            return out.endArray().endObject().toString();
        }
    }

    private Window window;
    /** Numbers requests, so that a request counts once in each queue it touches. */
    private long requestSeq;
    /** The queue the hot path touched last: most requests touch one queue, often the same. */
    private String lastQueue;
    private QueueDelta lastDelta;

    public WorkerMetrics(long nowMillis) {
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

    // ---- hot path: called on the worker's event loop when a request is answered ----

    public void pushed(List<PushResult> results) {
        long request = ++requestSeq;
        window.pushRequests++;
        for (PushResult r : results) {
            QueueDelta q = queue(r.queue());
            if (firstTouch(q, request)) {
                q.pushRequests++;
            }
            if (r.queued()) {
                window.pushMessages++;
                q.pushMessages++;
            }
        }
    }

    /** A push written to the file buffer (maintenance or outage): accepted, not yet stored. */
    public void pushBuffered(io.queen.queue.PushBatch batch) {
        long request = ++requestSeq;
        window.pushRequests++;
        window.pushMessages += batch.size();
        for (int i = 0; i < batch.size(); i++) {
            QueueDelta q = queue(batch.queue(i));
            if (firstTouch(q, request)) {
                q.pushRequests++;
            }
            q.pushMessages++;
        }
    }

    /**
     * A pop answered, with messages or empty; the lag of a message is now − its creation.
     * Auto-acked messages also count as acknowledged (successfully): they are consumed, and
     * the dashboard's "processed" must not stay at 0 for consumers that auto-ack.
     */
    public void popped(String queue, List<PoppedMessage> messages, long nowMillis, boolean autoAcked) {
        window.popRequests++;
        QueueDelta q = queue(queue);
        if (messages.isEmpty()) {
            q.popEmpty++;
            return;
        }
        window.popMessages += messages.size();
        q.popMessages += messages.size();
        if (autoAcked) {
            window.ackMessages += messages.size();
            window.ackSuccess += messages.size();
            q.ackSuccess += messages.size();
        }
        for (PoppedMessage m : messages) {
            long lag = m.createdAt() == null ? 0 : Math.max(0, nowMillis - m.createdAt().toInstant().toEpochMilli());
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
     * An ack request answered. An acknowledgement counts as failed when the consumer reported
     * the message failed or the server refused it (unknown message, lost lease), else as success.
     */
    public void acked(List<AckItem> items, List<AckResult> results) {
        long request = ++requestSeq;
        window.ackRequests++;
        window.ackMessages += results.size();
        for (AckResult r : results) {
            AckItem item = r.index() >= 0 && r.index() < items.size() ? items.get(r.index()) : null;
            boolean success = r.success() && (item == null || !"failed".equals(item.status()));
            if (success) {
                window.ackSuccess++;
            } else {
                window.ackFailed++;
            }
            if (r.dlq()) {
                window.dlq++;
            }
            if (r.queue() != null) {
                QueueDelta q = queue(r.queue());
                if (firstTouch(q, request)) {
                    q.ackRequests++;
                }
                if (success) {
                    q.ackSuccess++;
                } else {
                    q.ackFailed++;
                }
            }
        }
    }

    /** A transaction answered; {@code queues} are those its pushes went to. */
    public void transaction(List<String> queues, int deadLettered) {
        long request = ++requestSeq;
        window.transactions++;
        window.dlq += deadLettered;
        for (String name : queues) {
            if (name != null) {
                QueueDelta q = queue(name);
                if (firstTouch(q, request)) {
                    q.transactions++;
                }
            }
        }
    }

    /** A hot-path database call failed. */
    public void dbError() {
        window.dbErrors++;
    }

    /** Hot-path database calls completed (fused push calls, pop attempts, acks, transactions). */
    public void jobsDone(long calls) {
        window.jobsDone += calls;
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
