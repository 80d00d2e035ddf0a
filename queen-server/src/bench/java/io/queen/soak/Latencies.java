package io.queen.soak;

import java.util.Arrays;

/**
 * Request latencies of one kind (push or pop) kept per time slice of the run, so the report
 * shows what each stretch of faults did to them. Every latency is kept; percentiles are
 * computed exactly at the end.
 */
final class Latencies {
    private final long sliceNanos;
    private final long[][] slices;
    private final int[] counts;

    Latencies(long runNanos, int sliceCount) {
        this.sliceNanos = Math.max(1, runNanos / sliceCount);
        this.slices = new long[sliceCount][256];
        this.counts = new int[sliceCount];
    }

    /** @param sinceStartNanos when the request started, from the start of the run; the drain after it is not kept */
    synchronized void record(long sinceStartNanos, long latencyNanos) {
        int i = (int) Math.max(0, sinceStartNanos / sliceNanos);
        if (i >= slices.length) {
            return;
        }
        if (counts[i] == slices[i].length) {
            slices[i] = Arrays.copyOf(slices[i], counts[i] * 2);
        }
        slices[i][counts[i]++] = latencyNanos;
    }

    int sliceCount() {
        return slices.length;
    }

    long sliceSeconds() {
        return sliceNanos / 1_000_000_000L;
    }

    /** {count, p50 ms, p99 ms} of one slice; percentiles are NaN when it is empty. */
    synchronized double[] summary(int slice) {
        long[] sorted = Arrays.copyOf(slices[slice], counts[slice]);
        Arrays.sort(sorted);
        return new double[]{sorted.length, percentileMs(sorted, 0.50), percentileMs(sorted, 0.99)};
    }

    private static double percentileMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
