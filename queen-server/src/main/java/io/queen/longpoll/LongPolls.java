package io.queen.longpoll;

import io.queen.metrics.QueenMetrics;
import io.queen.metrics.WorkerMetrics;
import io.queen.queue.PopQuery;
import io.queen.queue.PopService;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;

import java.util.function.BiConsumer;

/**
 * One worker's pops: runs each one ({@link LongPoll}), keeps the parked ones and wakes them
 * when this process announces messages ({@link WakeUps}). Each worker verticle has its own,
 * used only on its event loop.
 */
public final class LongPolls {
    final Vertx vertx;
    final PopService pops;
    final WakePolicy policy;
    final WorkerMetrics workerMetrics;
    final ParkedPops parked;

    /**
     * @param recheckMs the longest a parked pop goes without looking at the database
     *                  (POP_WAIT_MAX_INTERVAL_MS)
     */
    public LongPolls(Vertx vertx, PopService pops, long recheckMs, QueenMetrics metrics, WorkerMetrics workerMetrics) {
        this.vertx = vertx;
        this.pops = pops;
        this.policy = new WakePolicy(recheckMs);
        this.workerMetrics = workerMetrics;
        this.parked = new ParkedPops(metrics);
    }

    /** Wakes this worker's parked pops when any worker (or a peer, through it) announces messages. */
    public void followWakeUps(EventBus bus) {
        bus.<String>localConsumer(WakeUps.ADDRESS,
                msg -> parked.wake(msg.body(), Integer.parseInt(msg.headers().get(WakeUps.PARTITIONS))));
    }

    /**
     * Pops now and, with {@code wait}, parks until messages arrive or {@code timeoutMs} passes;
     * the result goes to {@code answer}.
     */
    public void pop(PopQuery query, boolean wait, long timeoutMs, PopAnswer answer) {
        new LongPoll(query, answer, wait, timeoutMs, this).start();
    }

    /** The number of parked pops per queue, right now (metrics sampling). */
    public void forEachParked(BiConsumer<String, Integer> action) {
        parked.forEachParked(action);
    }

    /** Shutdown, or pops paused: every parked pop is answered empty (204). */
    public void answerAllEmpty() {
        parked.answerAllEmpty();
    }
}
