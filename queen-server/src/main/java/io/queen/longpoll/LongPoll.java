package io.queen.longpoll;

import io.queen.metrics.WorkerMetrics;
import io.queen.queue.PopOutcome;
import io.queen.queue.PopQuery;
import io.queen.queue.PopService;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pop from arrival to answer. With {@code wait=true} it stays in {@link ParkedPops} until
 * messages arrive or the deadline passes: a push wakes it at once, a slow timer re-checks for
 * what no push announces (expired leases, delayed messages, other servers). Without a wait it
 * is a single attempt. All of it runs on the owning worker's event loop.
 */
final class LongPoll {
    private static final Logger LOG = LoggerFactory.getLogger(LongPoll.class);

    private final PopQuery query;
    private final PopAnswer answer;
    private final boolean wait;
    private final long deadlineNanos;
    private final LongPolls worker;

    private boolean inFlight;
    private boolean wokenWhileInFlight;
    private boolean finished;
    private long timerId = -1;

    LongPoll(PopQuery query, PopAnswer answer, boolean wait, long timeoutMs, LongPolls worker) {
        this.query = query;
        this.answer = answer;
        this.wait = wait;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
        this.worker = worker;
    }

    String queue() {
        return query.queue();
    }

    String consumerGroup() {
        return query.consumerGroup();
    }

    void start() {
        if (wait) {
            worker.parked.add(this);
            // a client that goes away must not keep a slot, nor take a lease later
            answer.whenClientGone(this::finish);
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

    void answerEmpty() {
        if (!finished) {
            finish();
            answer.empty();
        }
    }

    private void attempt() {
        inFlight = true;
        wokenWhileInFlight = false;
        worker.pops.pop(query).onComplete(this::attempted);
    }

    private void attempted(AsyncResult<PopOutcome> ar) {
        inFlight = false;
        worker.workerMetrics.databaseCall(ar.failed());
        if (ar.succeeded() && !ar.result().isEmpty() && answer.clientGone()) {
            finish();
            giveBack(ar.result());
            return;
        }
        if (finished) {
            return;
        }
        if (ar.failed()) {
            finish();
            answer.failed(ar.cause());
            return;
        }
        if (!ar.result().isEmpty()) {
            finish();
            answer.messages(ar.result());
            return;
        }
        long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        switch (worker.policy.afterEmpty(wait, remainingMs, wokenWhileInFlight)) {
            case ANSWER_EMPTY -> answerEmpty();
            case RETRY_NOW -> attempt();
            case PARK -> timerId = worker.vertx.setTimer(worker.policy.recheckDelayMs(remainingMs), id -> {
                timerId = -1;
                wake();
            });
        }
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
        worker.pops.releaseUndelivered(query.leaseId())
                .onFailure(e -> LOG.warn("Could not release the lease of an undelivered pop (it expires by itself): {}",
                        e.toString()));
    }

    private void finish() {
        finished = true;
        cancelTimer();
        if (wait) {
            worker.parked.remove(this);
        }
    }

    private void cancelTimer() {
        if (timerId >= 0) {
            worker.vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }
}
