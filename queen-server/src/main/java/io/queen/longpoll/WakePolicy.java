package io.queen.longpoll;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every decision about when a parked pop tries the database again, kept free of Vert.x and
 * of the database so that it can be tested on its own. The rest of the package only carries
 * these decisions out (timers, event-bus messages, NOTIFY).
 */
public final class WakePolicy {
    /** What a pop does after an attempt that found no messages. */
    public enum AfterEmpty {
        /** No wait asked, or the deadline has passed: answer "no messages" now. */
        ANSWER_EMPTY,
        /** A wake-up arrived while the attempt was in the database: what it announced may have been missed. */
        RETRY_NOW,
        /** Park until a wake-up, or until the re-check timer ({@link #recheckDelayMs}). */
        PARK
    }

    private final long recheckMs;

    /**
     * @param recheckMs the longest a parked pop goes without looking (POP_WAIT_MAX_INTERVAL_MS):
     *                  the only way it sees what no push announces (expired leases, delayed
     *                  messages, peers' pushes while the LISTEN connection is down)
     */
    public WakePolicy(long recheckMs) {
        this.recheckMs = recheckMs;
    }

    public AfterEmpty afterEmpty(boolean wait, long remainingMs, boolean wokenWhileInFlight) {
        if (!wait || remainingMs <= 0) {
            return AfterEmpty.ANSWER_EMPTY;
        }
        return wokenWhileInFlight ? AfterEmpty.RETRY_NOW : AfterEmpty.PARK;
    }

    /**
     * The re-check interval, cut short by the deadline so that the empty answer is on time; at
     * least 1 ms, the shortest timer Vert.x accepts.
     */
    public long recheckDelayMs(long remainingMs) {
        return Math.max(1, Math.min(recheckMs, remainingMs));
    }

    /**
     * New messages in {@code partitions} partitions of a queue: in each consumer group that many
     * parked pops, the longest waiting first, try again now. Waking more would only have them
     * compete for the same partitions; the others keep their timers.
     *
     * @param parkedOldestFirst the queue's parked pops in the order they parked
     */
    public static <P> List<P> toWake(Iterable<P> parkedOldestFirst, Function<P, String> groupOf, int partitions) {
        List<P> woken = new ArrayList<>();
        Map<String, Integer> wokenPerGroup = new HashMap<>();
        for (P pop : parkedOldestFirst) {
            if (wokenPerGroup.merge(groupOf.apply(pop), 1, Integer::sum) <= partitions) {
                woken.add(pop);
            }
        }
        return woken;
    }

    /**
     * Announcements for the same queue waiting to go to the peers in one NOTIFY are merged into
     * the largest partition count. Pushes close together often reach the same partitions, so a
     * sum would overstate it; waking too few costs the others at most a re-check interval.
     */
    public static int coalesce(int pendingPartitions, int announcedPartitions) {
        return Math.max(pendingPartitions, announcedPartitions);
    }
}
