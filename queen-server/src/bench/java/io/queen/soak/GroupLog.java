package io.queen.soak;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Every delivery one consumer group (or queue mode) received, per partition. The FIFO rule
 * is checked as deliveries arrive: the first delivery of each message of a partition must
 * come in producer order, 0, 1, 2, ... with nothing skipped and delivered later.
 * Redeliveries are counted, with their time, so the report can say whether a fault explains them.
 */
final class GroupLog {
    private static final int KEPT_VIOLATIONS = 20;

    final String label;
    private final BitSet[] seen;
    private final int[] distinct;
    private long deliveries;
    private final List<Long> duplicateTimes = new ArrayList<>();
    private long violations;
    private final List<String> violationSamples = new ArrayList<>();

    GroupLog(String label, int partitions) {
        this.label = label;
        this.seen = new BitSet[partitions];
        this.distinct = new int[partitions];
        for (int i = 0; i < partitions; i++) {
            seen[i] = new BitSet();
        }
    }

    /** Records one delivery; answers true when it was the message's first delivery to this group. */
    synchronized boolean delivered(int partition, int seq, long atMillis) {
        deliveries++;
        if (seen[partition].get(seq)) {
            duplicateTimes.add(atMillis);
            return false;
        }
        int expected = distinct[partition];
        if (seq != expected) {
            violations++;
            if (violationSamples.size() < KEPT_VIOLATIONS) {
                violationSamples.add(label + " partition p" + partition + ": first delivery of seq " + seq
                        + " while seq " + expected + " had not been delivered yet");
            }
        }
        seen[partition].set(seq);
        distinct[partition]++;
        return true;
    }

    /** Messages 0..accepted-1 of the partition that this group never received. */
    synchronized int missing(int partition, int accepted) {
        BitSet got = seen[partition].get(0, accepted);
        return accepted - got.cardinality();
    }

    /** Received messages the producer never saw accepted (pushed, then the run ended before a 2xx). */
    synchronized int beyond(int partition, int accepted) {
        return seen[partition].get(accepted, Math.max(accepted, seen[partition].length())).cardinality();
    }

    synchronized long distinctTotal() {
        long n = 0;
        for (int d : distinct) {
            n += d;
        }
        return n;
    }

    synchronized long deliveries() {
        return deliveries;
    }

    synchronized List<Long> duplicateTimes() {
        return new ArrayList<>(duplicateTimes);
    }

    synchronized long violations() {
        return violations;
    }

    synchronized List<String> violationSamples() {
        return new ArrayList<>(violationSamples);
    }
}
