package io.queen.longpoll;

import io.queen.metrics.QueenMetrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The parked long-polls of one worker, by queue, in the order they parked. Only that worker's
 * event loop touches it, so it needs no locking.
 */
final class ParkedPops {
    private final Map<String, Set<LongPoll>> byQueue = new HashMap<>();
    private final QueenMetrics metrics;

    ParkedPops(QueenMetrics metrics) {
        this.metrics = metrics;
    }

    void add(LongPoll pop) {
        if (byQueue.computeIfAbsent(pop.queue(), q -> new LinkedHashSet<>()).add(pop)) {
            metrics.longPollParked();
        }
    }

    void remove(LongPoll pop) {
        Set<LongPoll> set = byQueue.get(pop.queue());
        if (set != null) {
            if (set.remove(pop)) {
                metrics.longPollFinished();
            }
            if (set.isEmpty()) {
                byQueue.remove(pop.queue());
            }
        }
    }

    /** New messages in {@code partitions} partitions of {@code queue}: {@link WakePolicy#toWake} picks who looks. */
    void wake(String queue, int partitions) {
        Set<LongPoll> set = byQueue.get(queue);
        if (set == null) {
            return;
        }
        // a copy: a pop that finishes at once leaves the set while we go through it
        for (LongPoll pop : WakePolicy.toWake(set, LongPoll::consumerGroup, partitions)) {
            pop.wake();
        }
    }

    void forEachParked(BiConsumer<String, Integer> action) {
        byQueue.forEach((queue, pops) -> action.accept(queue, pops.size()));
    }

    /** Every parked pop is answered empty. */
    void answerAllEmpty() {
        List<LongPoll> all = new ArrayList<>();
        byQueue.values().forEach(all::addAll);
        for (LongPoll pop : all) {
            pop.answerEmpty();
        }
    }
}
