package io.queen.http;

import io.queen.metrics.WorkerMetrics;

import io.queen.crypto.Encryption;
import io.queen.queue.PopOutcome;
import io.queen.crypto.Encryption;
import io.queen.queue.PopQuery;
import io.queen.crypto.Encryption;
import io.queen.queue.PopService;
import io.queen.crypto.Encryption;
import io.queen.queue.PoppedMessage;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * One pop HTTP request from arrival to answer. With {@code wait=true} it stays registered in
 * {@link LongPolls} until messages arrive or the deadline passes: a push wakes it at once, a
 * slow timer re-checks for what no push announces (expired leases, delayed messages, other
 * servers). All of it runs on the owning worker's event loop.
 */
final class PopRequest {
    private static final Logger LOG = LoggerFactory.getLogger(PopRequest.class);
    final PopQuery query;
    private final RoutingContext ctx;
    private final PopService pops;
    private final LongPolls longPolls;
    private final Vertx vertx;
    private final boolean wait;
    private final long deadlineNanos;
    private final long recheckMs;
    private final WorkerMetrics workerMetrics;

    private boolean inFlight;
    private boolean wokenWhileInFlight;
    private final Encryption encryption;
    private boolean finished;
    private long timerId = -1;

    PopRequest(RoutingContext ctx, PopQuery query, PopService pops, LongPolls longPolls, Vertx vertx, boolean wait,
               long timeoutMs, long recheckMs, WorkerMetrics workerMetrics, Encryption encryption) {
        this.encryption = encryption;
        this.workerMetrics = workerMetrics;
        this.ctx = ctx;
        this.query = query;
        this.pops = pops;
        this.longPolls = longPolls;
        this.vertx = vertx;
        this.wait = wait;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
        this.recheckMs = recheckMs;
    }

    void start() {
        if (wait) {
            longPolls.add(this);
            // a client that goes away must not keep a slot, nor take a lease later
            ctx.response().closeHandler(v -> finish());
        }
        attempt();
    }

    void wake() {
        if (finished) {
            return;
        }
        if (inFlight) {
            wokenWhileInFlight = true;
            return;
        }
        cancelTimer();
        attempt();
    }

    void finishEmpty() {
        if (!finished) {
            finish();
            workerMetrics.poppedEmpty(query.queue());
            Responses.noContent(ctx);
        }
    }

    private void attempt() {
        inFlight = true;
        wokenWhileInFlight = false;
        pops.pop(query).onComplete(ar -> {
            inFlight = false;
            workerMetrics.databaseCall(ar.failed());
            if (ar.succeeded() && !ar.result().isEmpty() && ctx.response().closed()) {
                finish();
                giveBack(ar.result());
                return;
            }
            if (finished) {
                return;
            }
            if (ar.failed()) {
                finish();
                Responses.failure(ctx, ar.cause());
                return;
            }
            PopOutcome outcome = ar.result();
            if (!outcome.isEmpty()) {
                finish();
                workerMetrics.popped(query.queue(), outcome.messages(), System.currentTimeMillis(), query.autoAck());
                Responses.json(ctx, 200, envelope(outcome));
                return;
            }
            long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (!wait || remainingMs <= 0) {
                finishEmpty();
            } else if (wokenWhileInFlight) {
                attempt();
            } else {
                timerId = vertx.setTimer(Math.max(1, Math.min(recheckMs, remainingMs)), id -> {
                    timerId = -1;
                    wake();
                });
            }
        });
    }

    /**
     * The client left while its pop was in the database. Leased messages go back at once rather
     * than after the lease time; auto-acked ones are gone (auto-ack is at-most-once).
     */
    private void giveBack(PopOutcome outcome) {
        if (query.autoAck()) {
            LOG.warn("Pop client on queue {} disconnected before its answer: {} auto-acked message(s) were not delivered",
                    query.queue(), outcome.messages().size());
            return;
        }
        pops.releaseUndelivered(query.leaseId())
                .onFailure(e -> LOG.warn("Could not release the lease of an undelivered pop (it expires by itself): {}",
                        e.toString()));
    }

    private void finish() {
        finished = true;
        cancelTimer();
        if (wait) {
            longPolls.remove(this);
        }
    }

    private void cancelTimer() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    private String envelope(PopOutcome outcome) {
        String leaseId = query.autoAck() ? "" : query.leaseId().toString();
        PoppedMessage first = outcome.messages().get(0);
        JsonOut out = new JsonOut(256 + outcome.messages().size() * 320);
        out.beginObject()
                .field("success", true)
                .field("queue", query.queue())
                .field("partition", first.partition())
                .field("partitionId", first.partitionId())
                .field("leaseId", leaseId)
                .field("consumerGroup", query.consumerGroup())
                .name("messages").beginArray();
        for (PoppedMessage m : outcome.messages()) {
            out.beginObject()
                    .field("id", m.id())
                    .field("transactionId", m.transactionId())
                    .field("traceId", m.traceId());
            Payloads.write(out, "data", m.payloadJson(), encryption)
                    .field("producerSub", m.producerSub())
                    .field("createdAt", JsonOut.micros(m.createdAt()))
                    .field("partitionId", m.partitionId())
                    .field("partition", m.partition())
                    .field("leaseId", leaseId)
                    .field("consumerGroup", query.consumerGroup())
                    .endObject();
        }
        return out.endArray()
                .field("partitionsClaimed", outcome.partitionsClaimed())
                .endObject()
                .toString();
    }
}
