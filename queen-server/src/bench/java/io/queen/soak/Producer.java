package io.queen.soak;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Owns some partitions and pushes each one's messages in order, one at a time, to one
 * server. A message counts as accepted only on a 2xx whose item says queued, buffered or
 * duplicate; anything else (an error, a 5xx, no answer) is retried with the same
 * transaction id, which the server deduplicates per partition, and only then does the next
 * seq go out. This is the at-least-once producer the server's guarantees are written for.
 */
final class Producer implements Runnable {
    private static final String PAD = "x".repeat(120);
    /** Item statuses that mean the server has the message (in the database or durably in its buffer). */
    private static final Set<String> ACCEPTED = Set.of("queued", "buffered", "duplicate");
    /** How long a producer keeps retrying its last message after the run ended. */
    private static final long FINISH_NANOS = TimeUnit.SECONDS.toNanos(90);

    private final String queue;
    private final ServerNode server;
    private final int[] partitions;
    private final Ledger ledger;
    private final SoakHttp http;
    private final Latencies latencies;
    private final long runStartNanos;
    private final long intervalNanos;
    private final AtomicBoolean stop;
    private volatile long stoppedAtNanos;

    Producer(String queue, ServerNode server, int[] partitions, Ledger ledger, SoakHttp http, Latencies latencies,
             long runStartNanos, double messagesPerSecond, AtomicBoolean stop) {
        this.queue = queue;
        this.server = server;
        this.partitions = partitions;
        this.ledger = ledger;
        this.http = http;
        this.latencies = latencies;
        this.runStartNanos = runStartNanos;
        this.intervalNanos = (long) (1e9 / messagesPerSecond);
        this.stop = stop;
    }

    @Override
    public void run() {
        int[] next = new int[partitions.length];
        long due = System.nanoTime();
        while (!stop.get()) {
            for (int i = 0; i < partitions.length && !stop.get(); i++) {
                if (pushUntilAccepted(partitions[i], next[i])) {
                    next[i]++;
                }
                due += intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleepNanos(wait);
                } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                    // after an outage, go on at the normal pace instead of catching up in a burst
                    due = System.nanoTime();
                }
            }
        }
    }

    /** False only when the run is over and the message still was not accepted after a long retry. */
    private boolean pushUntilAccepted(int partition, int seq) {
        String transactionId = "soak-p" + partition + "-s" + seq;
        String body = new JsonObject().put("items", new JsonArray().add(new JsonObject()
                .put("queue", queue)
                .put("partition", "p" + partition)
                .put("transactionId", transactionId)
                .put("payload", new JsonObject().put("partition", partition).put("seq", seq).put("pad", PAD))))
                .encode();
        long backoffMs = 100;
        while (true) {
            if (stop.get()) {
                if (stoppedAtNanos == 0) {
                    stoppedAtNanos = System.nanoTime();
                }
                if (System.nanoTime() - stoppedAtNanos > FINISH_NANOS) {
                    ledger.outcome("push gave up after the run (message in doubt)");
                    return false;
                }
            }
            long t0 = System.nanoTime();
            long retryAfterMs = 0;
            try {
                SoakHttp.Reply r = http.post(server.url() + "/api/v1/push", body, Duration.ofSeconds(15));
                latencies.record(t0 - runStartNanos, System.nanoTime() - t0);
                String status = itemStatus(r);
                ledger.outcome("push " + server.name + " " + r.status() + (status == null ? "" : " " + status));
                if (r.ok() && status != null && ACCEPTED.contains(status)) {
                    ledger.accepted(server.name, partition, seq, transactionId, status);
                    return true;
                }
                if (r.retryAfter() != null) {
                    retryAfterMs = Math.min(2000, 1000L * Long.parseLong(r.retryAfter().trim()));
                }
            } catch (IOException | RuntimeException e) {
                latencies.record(t0 - runStartNanos, System.nanoTime() - t0);
                ledger.outcome("push " + server.name + " " + e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(backoffMs, retryAfterMs)));
            backoffMs = Math.min(1000, backoffMs * 2);
        }
    }

    /** The status of the one item, or null when the body is not the per-item array. */
    private static String itemStatus(SoakHttp.Reply r) {
        try {
            Object parsed = Json.decodeValue(r.body());
            if (parsed instanceof JsonArray a && a.size() == 1 && a.getValue(0) instanceof JsonObject item) {
                return item.getString("status");
            }
        } catch (RuntimeException e) {
            // not JSON: the status code says enough
        }
        return null;
    }

    static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
