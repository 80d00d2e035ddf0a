package io.queen.streams;

import io.queen.queue.PushResult;

import java.util.List;

/**
 * What a cycle came to. Committed: {@code error} is null and the rest says what was applied.
 * Rolled back: {@code error} says why, and nothing of the cycle was stored.
 *
 * @param queue the source partition's queue (null if the partition does not exist)
 * @param ack   null when the cycle acknowledged nothing
 */
public record CycleOutcome(String error, String queue, int stateOpsApplied, List<PushResult> sinkResults,
                           AckOutcome ack) {

    public record AckOutcome(int count, boolean leaseReleased, boolean dlq) {
    }

    static CycleOutcome rolledBack(String error) {
        return new CycleOutcome(error, null, 0, List.of(), null);
    }

    public boolean committed() {
        return error == null;
    }
}
