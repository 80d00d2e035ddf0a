package io.queen.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one scenario. Request latencies are kept per loop ({@link Lane}): a loop
 * issues one request at a time, so its lane needs no locking, and every latency is kept
 * (percentiles are computed exactly, by sorting, at the end).
 */
final class Meter {
    final LongAdder requests = new LongAdder();
    /** What a "message" is depends on the scenario: queued items, received or acked messages, rows. */
    final LongAdder messages = new LongAdder();
    final LongAdder errors = new LongAdder();
    private final List<Lane> lanes = new ArrayList<>();

    Lane lane() {
        Lane lane = new Lane();
        synchronized (lanes) {
            lanes.add(lane);
        }
        return lane;
    }

    /** All latencies in nanoseconds, sorted; call once every loop has finished. */
    long[] sortedLatencies() {
        int total = 0;
        synchronized (lanes) {
            for (Lane l : lanes) {
                total += l.count;
            }
            long[] all = new long[total];
            int at = 0;
            for (Lane l : lanes) {
                System.arraycopy(l.nanos, 0, all, at, l.count);
                at += l.count;
            }
            Arrays.sort(all);
            return all;
        }
    }

    static double percentileMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    final class Lane {
        private long[] nanos = new long[1024];
        private int count;

        void record(long latencyNanos) {
            if (count == nanos.length) {
                nanos = Arrays.copyOf(nanos, count * 2);
            }
            nanos[count++] = latencyNanos;
            requests.increment();
        }
    }
}
