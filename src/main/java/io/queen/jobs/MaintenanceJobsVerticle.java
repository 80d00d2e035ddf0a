package io.queen.jobs;

import io.queen.config.QueenConfig;
import io.queen.db.Databases;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Runs the background jobs (retention, eviction) once per process, not once per worker,
 * with a pool of its own (one connection, so the jobs never take the workers' connections).
 * Each job runs at start-up, then its interval after its previous run finished, so a slow
 * cycle never overlaps the next. The two jobs also never run at the same time: they share
 * the one connection, and a run waits for the other job's run to end.
 */
public final class MaintenanceJobsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceJobsVerticle.class);

    private final QueenConfig config;
    private final PgConnectOptions connect;

    private Pool pool;
    /** The run in progress (or the last one): the next run starts after it. Event-loop only. */
    private Future<Void> tail = Future.succeededFuture();
    private volatile boolean stopping;
    /** Pending timer per job name. Event-loop only. */
    private final Map<String, Long> timers = new HashMap<>();

    public MaintenanceJobsVerticle(QueenConfig config, PgConnectOptions connect) {
        this.config = config;
        this.connect = connect;
    }

    @Override
    public Future<?> start() {
        pool = Databases.pool(vertx, connect, config.connectTimeoutMs, 1, "jobs");
        schedule("Retention", new RetentionJob(config), config.retentionIntervalMs, 1);
        schedule("Eviction", new EvictionJob(config), config.evictionIntervalMs, 1);
        LOG.debug("Background jobs: retention every {} ms, eviction every {} ms",
                config.retentionIntervalMs, config.evictionIntervalMs);
        return Future.succeededFuture();
    }

    private void schedule(String name, Job job, int intervalMs, long delayMs) {
        timers.put(name, vertx.setTimer(delayMs, id -> runAfterOthers(name, job).onComplete(ar -> {
            if (!stopping) {
                schedule(name, job, intervalMs, intervalMs);
            }
        })));
    }

    /** Never fails: a failed cycle is logged and the job simply runs again next time. */
    private Future<Void> runAfterOthers(String name, Job job) {
        tail = tail.transform(previous -> stopping
                ? Future.<Void>succeededFuture()
                : JobLock.runExclusive(pool, false, conn -> job.run(conn, () -> stopping).map(true))
                        .<Void>transform(ar -> {
                            if (ar.failed()) {
                                LOG.warn("{} job failed, will retry next cycle: {}", name, ar.cause().toString());
                            } else if (!ar.result()) {
                                LOG.debug("{} job skipped: another server is running a job", name);
                            }
                            return Future.succeededFuture();
                        }));
        return tail;
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        timers.values().forEach(vertx::cancelTimer);
        // a cycle in progress ends after its current statement
        return tail.eventually(() -> pool.close());
    }
}
