package io.queen.metrics;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process metrics of this server (spec 2.13 "Metrics collector"): one per process, as a
 * worker verticle because it reads /proc. Samples every METRICS_SAMPLE_INTERVAL_MS and every
 * METRICS_AGGREGATE_INTERVAL_S (and when the minute changes) hands the aggregate, avg/min/
 * max/last per figure, to a worker, which merges it into this replica's system_metrics row
 * of the minute with its background pool: the collector needs no connection of its own.
 *
 * <p>Figures: CPU user/system microseconds spent during each sample interval; resident and
 * virtual memory; database.pool_size = connections the server may open, pool_active =
 * connections open in the workers' pools (the pools do not tell idle from busy, so there is
 * no pool_idle); threadpool.db = the event loops that run every database call and the push
 * requests waiting for fusion on them; threadpool.system.pool_size = JVM threads.
 */
public final class SystemMetricsCollector extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(SystemMetricsCollector.class);
    /** Where a worker picks up an aggregate to write (see WorkerMetricsReporter). */
    public static final String ADDRESS = "queen.metrics.system";

    /** avg/min/max/last of one figure over the samples of an aggregate. */
    private static final class Stat {
        double sum;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        double last;
        int count;

        void add(double value) {
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            last = value;
            count++;
        }
    }

    private final QueenMetrics metrics;
    private final int sampleIntervalMs;
    private final int aggregateIntervalMs;
    private final int configuredConnections;
    private final int workers;

    private long sampleTimer = -1;
    private ProcSelf previous;
    /** Figure ("cpu.user_us", "threadpool.db.pool_size") → its stat, in the order they are written. */
    private Map<String, Stat> aggregate = new LinkedHashMap<>();
    private int samples;
    private long bucketMillis;
    private long aggregateStartNanos;
    private boolean sendFailed;

    public SystemMetricsCollector(QueenMetrics metrics, int sampleIntervalMs, int aggregateIntervalS,
                                  int configuredConnections, int workers) {
        this.metrics = metrics;
        this.sampleIntervalMs = sampleIntervalMs;
        this.aggregateIntervalMs = aggregateIntervalS * 1000;
        this.configuredConnections = configuredConnections;
        this.workers = workers;
    }

    @Override
    public Future<?> start() {
        previous = ProcSelf.read();
        startAggregate(System.currentTimeMillis());
        sampleTimer = vertx.setPeriodic(sampleIntervalMs, id -> sample());
        return Future.succeededFuture();
    }

    private void startAggregate(long nowMillis) {
        aggregate = new LinkedHashMap<>();
        samples = 0;
        bucketMillis = WorkerMetrics.minuteOf(nowMillis);
        aggregateStartNanos = System.nanoTime();
    }

    private void sample() {
        long now = System.currentTimeMillis();
        if (WorkerMetrics.minuteOf(now) != bucketMillis
                || System.nanoTime() - aggregateStartNanos >= aggregateIntervalMs * 1_000_000L) {
            send();
            startAggregate(now);
        }
        ProcSelf current = ProcSelf.read();
        add("cpu.user_us", current.userMicros() - previous.userMicros());
        add("cpu.system_us", current.systemMicros() - previous.systemMicros());
        add("memory.rss_bytes", current.residentBytes());
        add("memory.virtual_bytes", current.virtualBytes());
        add("database.pool_size", configuredConnections);
        add("database.pool_active", metrics.workerGauges.openConnections());
        add("threadpool.db.pool_size", workers);
        add("threadpool.db.queue_size", metrics.workerGauges.waitingPushes());
        add("threadpool.system.pool_size", ManagementFactory.getThreadMXBean().getThreadCount());
        previous = current;
        samples++;
    }

    private void add(String figure, double value) {
        aggregate.computeIfAbsent(figure, f -> new Stat()).add(value);
    }

    /** {"cpu": {"user_us": {"avg", "min", "max", "last"}, …}, "threadpool": {"db": {"pool_size": …}}}. */
    private String metricsJson() {
        JsonObject root = new JsonObject();
        aggregate.forEach((figure, stat) -> {
            String[] path = figure.split("\\.");
            JsonObject section = root;
            for (int i = 0; i < path.length - 1; i++) {
                JsonObject child = section.getJsonObject(path[i]);
                if (child == null) {
                    child = new JsonObject();
                    section.put(path[i], child);
                }
                section = child;
            }
            section.put(path[path.length - 1], new JsonObject().put("avg", stat.sum / stat.count)
                    .put("min", stat.min).put("max", stat.max).put("last", stat.last));
        });
        return root.encode();
    }

    private Future<Void> send() {
        if (samples == 0) {
            return Future.succeededFuture();
        }
        Replica replica = metrics.replica;
        JsonObject row = new JsonObject()
                .put("bucket", bucketMillis)
                .put("hostname", replica.hostname())
                .put("port", replica.port())
                .put("workerId", replica.workerId())
                .put("samples", samples)
                .put("metrics", metricsJson());
        return vertx.eventBus().request(ADDRESS, row).<Void>mapEmpty().onComplete(ar -> {
            if (ar.failed() && !sendFailed) {
                LOG.warn("System metrics not written (dropped): {}", ar.cause().toString());
            }
            sendFailed = ar.failed();
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sampleTimer);
        return Future.succeededFuture();
    }
}
