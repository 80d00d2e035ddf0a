package io.queen.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's counters. Micrometer counters are lock-free adders, so workers bump them
 * without coordinating; everything else (JVM, process) is read only when scraped.
 */
public final class QueenMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final long startNanos = System.nanoTime();
    private final AtomicInteger parkedLongPolls = new AtomicInteger();
    /** Who this process is in the metrics tables. */
    public final Replica replica;
    /** Per-worker connection and fusion-queue figures, for the process-wide readers. */
    public final WorkerGauges workerGauges;

    /** The Micrometer counter of each {@link QueenCounter} by ordinal; null for those without one. */
    private final Counter[] meters = new Counter[QueenCounter.COUNT];

    public QueenMetrics(Replica replica, int workers) {
        this.replica = replica;
        this.workerGauges = new WorkerGauges(workers);
        for (QueenCounter c : QueenCounter.values()) {
            QueenCounter.Meter m = c.meter();
            if (m != null) {
                Counter.Builder b = Counter.builder(m.name()).description(m.description());
                meters[c.ordinal()] = (m.tagKey() == null ? b : b.tag(m.tagKey(), m.tagValue())).register(registry);
            }
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("queen.uptime.seconds", this, m -> m.uptimeSeconds()).register(registry);
        Gauge.builder("queen.process.resident.memory.bytes", QueenMetrics::residentBytes).baseUnit("bytes")
                .register(registry);
        Gauge.builder("queen.long.polls.parked", parkedLongPolls, AtomicInteger::get)
                .description("pop requests waiting for messages").register(registry);
    }

    /** What a counter's meter has counted since start. */
    public double count(QueenCounter c) {
        Counter meter = meters[c.ordinal()];
        if (meter == null) {
            throw new IllegalArgumentException(c + " has no meter");
        }
        return meter.count();
    }

    /** The meters by ordinal, for the workers' outcome methods. */
    Counter[] meters() {
        return meters;
    }

    public void longPollParked() {
        parkedLongPolls.incrementAndGet();
    }

    public void longPollFinished() {
        parkedLongPolls.decrementAndGet();
    }

    public double uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Resident set size from /proc (Linux); 0 where unavailable. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report nothing rather than fail the scrape
        }
        return 0;
    }
}
