package io.queen.metrics;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The few per-worker figures the process-wide readers (system metrics collector, Prometheus
 * scrape) need. Each worker writes only its own slot, once a second, so there is nothing to
 * contend on; readers sum the slots.
 */
public final class WorkerGauges {
    private final AtomicIntegerArray openConnections;
    private final AtomicIntegerArray waitingPushes;

    public WorkerGauges(int workers) {
        openConnections = new AtomicIntegerArray(workers);
        waitingPushes = new AtomicIntegerArray(workers);
    }

    public void publish(int worker, int connections, int pushesWaiting) {
        openConnections.set(worker, connections);
        waitingPushes.set(worker, pushesWaiting);
    }

    /** Connections open in all workers' pools. */
    public int openConnections() {
        return sum(openConnections);
    }

    /** Push requests waiting for fusion in all workers. */
    public int waitingPushes() {
        return sum(waitingPushes);
    }

    private static int sum(AtomicIntegerArray values) {
        int total = 0;
        for (int i = 0; i < values.length(); i++) {
            total += values.get(i);
        }
        return total;
    }
}
