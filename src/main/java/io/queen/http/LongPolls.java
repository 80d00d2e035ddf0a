package io.queen.http;

import io.queen.metrics.QueenMetrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The long-poll pops of one worker, by queue. Only that worker's event loop touches it, so
 * it needs no locking.
 */
final class LongPolls {
    private final Map<String, Set<PopRequest>> byQueue = new HashMap<>();
    private final QueenMetrics metrics;

    LongPolls(QueenMetrics metrics) {
        this.metrics = metrics;
    }

    void add(PopRequest pop) {
        if (byQueue.computeIfAbsent(pop.query.queue(), q -> new LinkedHashSet<>()).add(pop)) {
            metrics.longPollParked();
        }
    }

    void remove(PopRequest pop) {
        Set<PopRequest> set = byQueue.get(pop.query.queue());
        if (set != null) {
            if (set.remove(pop)) {
                metrics.longPollFinished();
            }
            if (set.isEmpty()) {
                byQueue.remove(pop.query.queue());
            }
        }
    }

    /**
     * New messages in {@code partitions} partitions of {@code queue}: in each consumer group
     * that many waiting pops (the longest waiting first) try again now. Waking more would
     * only have them compete for the same partitions; the others keep their timers.
     */
    void wake(String queue, int partitions) {
        Set<PopRequest> set = byQueue.get(queue);
        if (set == null) {
            return;
        }
        Map<String, Integer> wokenPerGroup = new HashMap<>();
        for (PopRequest pop : new ArrayList<>(set)) {
            int woken = wokenPerGroup.merge(pop.query.consumerGroup(), 1, Integer::sum);
            if (woken <= partitions) {
                pop.wake();
            }
        }
    }

    /** The number of waiting pops per queue, right now (metrics sampling). */
    void forEachParked(java.util.function.BiConsumer<String, Integer> action) {
        byQueue.forEach((queue, pops) -> action.accept(queue, pops.size()));
    }

    /** Shutdown: every waiting pop is answered empty. */
    void finishAll() {
        List<PopRequest> all = new ArrayList<>();
        byQueue.values().forEach(all::addAll);
        for (PopRequest pop : all) {
            pop.finishEmpty();
        }
    }
}
