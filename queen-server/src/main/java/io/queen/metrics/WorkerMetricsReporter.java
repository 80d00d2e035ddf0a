package io.queen.metrics;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.BiConsumer;

/**
 * Samples a worker once a second (event-loop lag as timer drift, fusion slots and queue,
 * connections, parked long-polls per queue) and flushes its {@link WorkerMetrics} into the
 * database every QUEEN_METRICS_FLUSH_MS and whenever the minute changes, so a window never
 * spans two minutes. A flush is one statement (worker_metrics_flush.sql) on the worker's
 * background pool. A failed flush (database down) puts its counts back to go out with the
 * next one, for a bounded number of attempts, and logs once per outage. Workers also write
 * the process's system_metrics rows that the {@link SystemMetricsCollector} hands them.
 */
public final class WorkerMetricsReporter {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerMetricsReporter.class);
    private static final String FLUSH = CounterSql.query("worker_metrics_flush");
    private static final String SYSTEM_METRICS = SqlFiles.query("system_metrics_record");
    private static final long SAMPLE_MS = 1000;
    /** Consecutive failed flushes whose counts are kept; then they are dropped (bounded memory). */
    private static final int MAX_FAILED_FLUSHES = 60;
    private static final long FINAL_FLUSH_TIMEOUT_MS = 1000;

    /** What the worker shows of itself at a sample. */
    public interface Gauges {
        /** Push calls that could start without queueing. */
        int freeSlots();

        /** Push requests waiting for fusion. */
        int jobQueue();

        /** Connections open in the worker's pools. */
        int dbConnections();

        /** Push database calls made so far, after fusion (monotonic). */
        long pushCalls();

        /** Parked long-polls per queue, right now. */
        void forEachParked(BiConsumer<String, Integer> action);
    }

    private final Vertx vertx;
    private final SqlClient db;
    private final WorkerMetrics metrics;
    private final Replica replica;
    private final int workerId;
    private final int flushMs;
    private final Gauges gauges;
    private final WorkerGauges shared;

    private MessageConsumer<JsonObject> systemMetrics;
    private long sampleTimer = -1;
    private long flushTimer = -1;
    private long expectedTickNanos;
    private long lastPushCalls;
    private Future<Void> flushing;
    private int failedFlushes;

    public WorkerMetricsReporter(Vertx vertx, SqlClient db, WorkerMetrics metrics, Replica replica, int workerId,
                                 int flushMs, Gauges gauges, WorkerGauges shared) {
        this.vertx = vertx;
        this.db = db;
        this.metrics = metrics;
        this.replica = replica;
        this.workerId = workerId;
        this.flushMs = flushMs;
        this.gauges = gauges;
        this.shared = shared;
    }

    /** Call on the worker's event loop. */
    public void start() {
        lastPushCalls = gauges.pushCalls();
        scheduleSample();
        flushTimer = vertx.setPeriodic(flushMs, id -> flush());
        systemMetrics = vertx.eventBus().localConsumer(SystemMetricsCollector.ADDRESS, msg -> {
            JsonObject row = msg.body();
            db.preparedQuery(SYSTEM_METRICS).execute(Tuple.of(
                            OffsetDateTime.ofInstant(Instant.ofEpochMilli(row.getLong("bucket")), ZoneOffset.UTC),
                            row.getString("hostname"), row.getInteger("port"), row.getString("workerId"),
                            row.getInteger("samples"), row.getString("metrics")))
                    .onSuccess(rows -> msg.reply(null))
                    .onFailure(e -> msg.fail(500, e.toString()));
        });
    }

    private void scheduleSample() {
        expectedTickNanos = System.nanoTime() + SAMPLE_MS * 1_000_000L;
        sampleTimer = vertx.setTimer(SAMPLE_MS, id -> {
            sample();
            scheduleSample();
        });
    }

    private void sample() {
        // how late the timer fired: the time the event loop was busy with something else
        double lagMs = Math.max(0, System.nanoTime() - expectedTickNanos) / 1e6;
        int connections = gauges.dbConnections();
        int jobQueue = gauges.jobQueue();
        long calls = gauges.pushCalls();
        metrics.jobsDone(calls - lastPushCalls);
        lastPushCalls = calls;
        metrics.sample(lagMs, gauges.freeSlots(), jobQueue, connections);
        gauges.forEachParked(metrics::parked);
        shared.publish(workerId, connections, jobQueue);
        if (WorkerMetrics.minuteOf(System.currentTimeMillis()) != metrics.currentBucketMillis()) {
            flush();
        }
    }

    /** Sends the counts so far; at most one flush at a time. */
    Future<Void> flush() {
        if (flushing != null) {
            return flushing;
        }
        long now = System.currentTimeMillis();
        WorkerMetrics.Window window = metrics.take(now);
        flushing = db.preparedQuery(FLUSH).execute(Tuple.of(window.toJson(replica, workerId, now)))
                .<Void>mapEmpty()
                .onComplete(ar -> {
                    flushing = null;
                    if (ar.succeeded()) {
                        if (failedFlushes > 0) {
                            LOG.info("Worker {} metrics flush works again after {} failure(s)", workerId, failedFlushes);
                        }
                        failedFlushes = 0;
                        return;
                    }
                    failedFlushes++;
                    if (failedFlushes == 1) {
                        LOG.warn("Worker {} could not write its metrics, keeping them for the next flush: {}",
                                workerId, ar.cause().toString());
                    }
                    if (failedFlushes <= MAX_FAILED_FLUSHES) {
                        metrics.restore(window);
                    } else if (failedFlushes == MAX_FAILED_FLUSHES + 1) {
                        LOG.warn("Worker {} drops metrics it could not write for {} flushes", workerId,
                                MAX_FAILED_FLUSHES);
                    }
                });
        return flushing;
    }

    /** Stops sampling and flushes once more, giving up after a second (shutdown must not hang). */
    public Future<Void> stop() {
        vertx.cancelTimer(sampleTimer);
        vertx.cancelTimer(flushTimer);
        if (systemMetrics != null) {
            systemMetrics.unregister();
        }
        Promise<Void> done = Promise.promise();
        long timer = vertx.setTimer(FINAL_FLUSH_TIMEOUT_MS, id -> done.tryComplete());
        Future<Void> previous = flushing == null ? Future.succeededFuture() : flushing;
        previous.eventually(this::flush).onComplete(ar -> {
            vertx.cancelTimer(timer);
            done.tryComplete();
        });
        return done.future();
    }
}
