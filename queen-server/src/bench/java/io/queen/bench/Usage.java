package io.queen.bench;

import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server CPU, PostgreSQL CPU and the server's peak RSS over one load run. A negative figure
 * means "not measured" (no server pid, or a database on another machine).
 */
record Usage(long serverCpuNanos, long postgresCpuNanos, long peakRssKb) {

    /** Runs {@code load} (which blocks until the load generator exits) and measures around it. */
    static <T> Measured<T> around(ProcessStats server, PostgresCpu postgres, Callable<T> load) throws Exception {
        long server0 = server == null ? -1 : server.cpuNanos();
        long pg0 = postgres == null ? -1 : postgres.cpuNanos();
        AtomicLong peakRss = new AtomicLong(server == null ? -1 : server.rssKb());
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rss-sampler");
            t.setDaemon(true);
            return t;
        });
        if (server != null) {
            // RSS moves with load, so it is sampled; CPU is a counter and needs only both ends
            sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(server.rssKb(), Math::max),
                    250, 250, TimeUnit.MILLISECONDS);
        }
        T value;
        try {
            value = load.call();
        } finally {
            sampler.shutdownNow();
        }
        long server1 = server == null ? -1 : server.cpuNanos();
        long pg1 = postgres == null ? -1 : postgres.cpuNanos();
        if (server != null) {
            peakRss.accumulateAndGet(server.rssKb(), Math::max);
        }
        return new Measured<>(value, new Usage(delta(server0, server1), delta(pg0, pg1), peakRss.get()));
    }

    record Measured<T>(T value, Usage usage) {
    }

    private static long delta(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    /** Microseconds of server CPU per unit (message or request); NaN when not measured. */
    double serverMicrosPer(long units) {
        return per(serverCpuNanos, units);
    }

    double postgresMicrosPer(long units) {
        return per(postgresCpuNanos, units);
    }

    double peakRssMb() {
        return peakRssKb < 0 ? Double.NaN : peakRssKb / 1024.0;
    }

    private static double per(long nanos, long units) {
        return nanos < 0 || units <= 0 ? Double.NaN : nanos / 1e3 / units;
    }
}
