package io.queen.jobs;

import io.queen.config.DatabaseSettings;
import io.queen.config.QueenConfig;
import io.queen.db.Databases;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the background jobs (retention, eviction, statistics) once per process, not once per
 * worker, with a pool of its own (one connection, so the jobs never take the workers'
 * connections). Each job runs at start-up, then its interval after its previous run finished,
 * so a slow cycle never overlaps the next. The jobs also never run at the same time: they
 * share the one connection, and a run waits for the other jobs' runs to end.
 * A forced statistics reconcile (POST /api/v1/stats/refresh) is asked for over the event bus
 * at {@link #STATS_REFRESH_ADDRESS} and queues up like any other run.
 */
public final class MaintenanceJobsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceJobsVerticle.class);
    /** Request: any body; reply: the reconcile's result object, or {skipped, reason}. */
    public static final String STATS_REFRESH_ADDRESS = "queen.stats.refresh";
    private static final JsonObject LOCKED_ELSEWHERE =
            new JsonObject().put("skipped", true).put("reason", "another_instance_running");

    private final QueenConfig config;
    private final DatabaseSettings connect;

    private Pool pool;
    /** The run in progress (or the last one): the next run starts after it. Event-loop only. */
    private Future<Void> tail = Future.succeededFuture();
    private volatile boolean stopping;
    /** Pending timer per job name. Event-loop only. */
    private final Map<String, Long> timers = new HashMap<>();

    public MaintenanceJobsVerticle(QueenConfig config, DatabaseSettings connect) {
        this.config = config;
        this.connect = connect;
    }

    @Override
    public Future<?> start() {
        // the jobs hold a session advisory lock across many transactions: around any pooler
        pool = Databases.pool(vertx, connect.forSessions(), 1, "jobs");
        schedule("Retention", JobLock.JOBS, new RetentionJob(config), config.retentionIntervalMs, 1);
        schedule("Eviction", JobLock.JOBS, new EvictionJob(config), config.evictionIntervalMs, 1);
        StatsJob stats = new StatsJob(config);
        schedule("Stats", JobLock.STATS, stats::fastPath, config.statsIntervalMs, 1);
        schedule("Stats reconcile", JobLock.STATS, (conn, stop) -> stats.reconcile(conn, false, stop).mapEmpty(),
                config.statsReconcileIntervalMs, config.statsReconcileIntervalMs);
        vertx.eventBus().<Object>localConsumer(STATS_REFRESH_ADDRESS, msg -> refresh(stats, msg));
        LOG.debug("Background jobs: retention every {} ms, eviction every {} ms, stats every {} ms "
                        + "(reconcile every {} ms)", config.retentionIntervalMs, config.evictionIntervalMs,
                config.statsIntervalMs, config.statsReconcileIntervalMs);
        return Future.succeededFuture();
    }

    private void schedule(String name, long lockKey, Job job, int intervalMs, long delayMs) {
        timers.put(name, vertx.setTimer(delayMs, id -> runLogged(name, lockKey, job).onComplete(ar -> {
            if (!stopping) {
                schedule(name, lockKey, job, intervalMs, intervalMs);
            }
        })));
    }

    /** Never fails: a failed cycle is logged and the job simply runs again next time. */
    private Future<Void> runLogged(String name, long lockKey, Job job) {
        return afterOthers(() -> JobLock.runExclusive(pool, lockKey, false,
                        conn -> job.run(conn, () -> stopping).map(true)))
                .transform(ar -> {
                    if (ar.failed() && !stopping) {
                        LOG.warn("{} job failed, will retry next cycle: {}", name, ar.cause().toString());
                    } else if (ar.succeeded() && !ar.result()) {
                        LOG.debug("{} job skipped: another server is running it", name);
                    }
                    return Future.succeededFuture();
                });
    }

    private void refresh(StatsJob stats, Message<Object> request) {
        afterOthers(() -> JobLock.runExclusive(pool, JobLock.STATS, LOCKED_ELSEWHERE,
                        conn -> stats.reconcile(conn, true, () -> stopping)))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        request.fail(500, String.valueOf(ar.cause().getMessage()));
                    } else {
                        request.reply(ar.result().copy());
                    }
                });
    }

    /** Runs {@code run} once the runs queued before it have ended; fails when the server stops. */
    private <T> Future<T> afterOthers(Supplier<Future<T>> run) {
        Future<T> mine = tail.transform(previous -> stopping
                ? Future.failedFuture("Server is shutting down")
                : run.get());
        tail = mine.transform(ar -> Future.succeededFuture());
        return mine;
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        timers.values().forEach(vertx::cancelTimer);
        // a cycle in progress ends after its current statement
        return tail.eventually(() -> pool.close());
    }
}
