package io.queen;

import io.queen.buffer.FileBufferVerticle;
import io.queen.config.DatabaseSettings;
import io.queen.config.QueenConfig;
import io.queen.db.Databases;
import io.queen.db.EmbeddedDatabase;
import io.queen.db.MigrationProcess;
import io.queen.db.PeerChannel;
import io.queen.buffer.BufferedPartitions;
import io.queen.http.BodyBudget;
import io.queen.http.QueenVerticle;
import io.queen.jobs.MaintenanceJobsVerticle;
import io.queen.longpoll.PeerWakeUps;
import io.queen.maintenance.MaintenancePeerRelay;
import io.queen.metrics.CounterSql;
import io.queen.metrics.QueenMetrics;
import io.queen.metrics.Replica;
import io.queen.metrics.SystemMetricsCollector;
import io.queen.queue.PushOwners;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts and stops a whole Queen server: database, schema, workers. */
public final class QueenServer {
    private static final Logger LOG = LoggerFactory.getLogger(QueenServer.class);

    private final QueenConfig config;
    private final EmbeddedDatabase embedded;
    private final Vertx vertx;

    /**
     * Each worker listens on its own socket with SO_REUSEPORT, and the kernel would share the port
     * just as willingly with another process doing the same: a second server started by mistake
     * (on another database, even) would silently take half of the clients, answering their pushes
     * from a database nobody reads. A plain bind first turns that into a start-up error.
     */
    static void ensurePortFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // connections of an earlier run in TIME_WAIT are no conflict
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Port " + port + " on " + host + " is already in use (another Queen"
                    + " server?): " + e.getMessage() + ". Stop it or set PORT to another port.", e);
        }
    }

    private QueenServer(QueenConfig config, EmbeddedDatabase embedded, Vertx vertx) {
        this.config = config;
        this.embedded = embedded;
        this.vertx = vertx;
    }

    public static QueenServer start(QueenConfig config) throws Exception {
        ensurePortFree(config.host, config.port);
        EmbeddedDatabase embedded = null;
        DatabaseSettings database = config.db;
        if (config.embeddedDatabase()) {
            embedded = EmbeddedDatabase.start(config.dataDir, 0);
            database = config.db.at(List.of(new DatabaseSettings.Address("localhost", embedded.port())));
            LOG.info("Database: embedded PostgreSQL, data in {}", config.dataDir);
        } else {
            LOG.info("Database: {}", database.describe());
        }
        DatabaseSettings connect = database;
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(config.workers)
                .setPreferNativeTransport(true));
        try {
            // the first connection through the pools' own client: an unreachable server or a
            // refused certificate is explained in the settings' terms before anything else runs
            Pool setup = Databases.pool(vertx, connect.forSessions(), 1, "setup");
            try {
                setup.query("SELECT 1").execute().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                setup.close();
                throw new IllegalStateException(Databases.explainConnectFailure(connect, e), e.getCause());
            }
            try {
                // schema changes take a session of their own, around any pooler
                MigrationProcess.run(connect.forSessions());
                // a counter declared without its migration would fail every metrics flush
                CounterSql.verifyColumns(setup).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                setup.close();
            }
            // before the workers: they hand it pushes as soon as they listen, and an earlier
            // run's buffered pushes are replayed first
            BufferedPartitions bufferedPartitions = new BufferedPartitions();
            vertx.deployVerticle(new FileBufferVerticle(config, connect, bufferedPartitions),
                            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                    .toCompletionStage().toCompletableFuture()
                    .get(FileBufferVerticle.START_REPLAY_LIMIT_MS + 60_000, TimeUnit.MILLISECONDS);
            AtomicInteger nextWorker = new AtomicInteger();
            QueenMetrics metrics = new QueenMetrics(Replica.of(config.port, config.workerIdLabel), config.workers);
            BodyBudget bodies = new BodyBudget(config.bodyMemoryBytes, config.maxBodyBytes);
            PushOwners pushOwners = new PushOwners(config.workers);
            vertx.deployVerticle(() -> new QueenVerticle(config, connect, nextWorker.getAndIncrement(), metrics, bodies,
                    bufferedPartitions, pushOwners),
                            new DeploymentOptions().setInstances(config.workers)
                                    .setThreadingModel(ThreadingModel.EVENT_LOOP))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (config.peerNotify) {
                // one LISTEN connection per process, shared by what the servers tell each other;
                // wake-ups are coalesced over 5 ms across the workers
                vertx.deployVerticle(new PeerChannel(connect,
                                List.of(new MaintenancePeerRelay(), new PeerWakeUps(5))))
                        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            // once per process: samples /proc (blocking reads), the workers write its rows
            vertx.deployVerticle(new SystemMetricsCollector(metrics, config.metricsSampleIntervalMs,
                                    config.metricsAggregateIntervalS,
                                    config.totalHotConnections() + config.totalBackgroundConnections(), config.workers),
                            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            // System.gc() blocks its thread: a worker thread, not an event loop
            vertx.deployVerticle(new IdleHeapRelease(), new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            // once per process, not per worker: the jobs elect one process among servers anyway
            vertx.deployVerticle(new MaintenanceJobsVerticle(config, connect))
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        // unpacking the embedded PostgreSQL and class loading leave garbage behind: collect it
        // now so that a small heap can give the memory back before traffic arrives
        System.gc();
        for (String setting : config.noEffectSettings) {
            LOG.warn("Setting without effect on this server: {}", setting);
        }
        if (config.jwt.keysWithoutAuth) {
            LOG.warn("Authentication: {}", config.jwt.describe());
        } else {
            LOG.info("Authentication: {}", config.jwt.describe());
        }
        LOG.info("Network transport: {}", vertx.isNativeTransportEnabled() ? "Linux native (epoll)"
                : "JDK (no TCP_USER_TIMEOUT on database sockets: " + vertx.unavailableNativeTransportCause() + ")");
        LOG.info("Queen listening on {}:{} with {} worker(s); database connections: {} hot-path + {} other "
                        + "(background pools, jobs, file buffer, LISTEN; at most {} in total)", config.host, config.port,
                config.workers, config.totalHotConnections(), config.totalBackgroundConnections(),
                config.totalHotConnections() + config.totalBackgroundConnections());
        return new QueenServer(config, embedded, vertx);
    }

    public QueenConfig config() {
        return config;
    }

    /** Stops accepting, answers parked long-polls, lets in-flight requests finish, closes pools. */
    public void stop() {
        LOG.info("Shutting down");
        try {
            vertx.close().toCompletionStage().toCompletableFuture()
                    .get(config.shutdownGraceMs + 10_000L, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("Workers did not stop cleanly: {}", e.toString());
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (Exception e) {
                LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.toString());
            }
        }
        LOG.info("Stopped");
    }
}
