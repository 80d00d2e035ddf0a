package io.queen.http;

import io.queen.config.DatabaseSettings;
import io.queen.admin.Analytics;
import io.queen.auth.AuthHandler;
import io.queen.admin.ConsumerGroupAdmin;
import io.queen.buffer.BufferedPartitions;
import io.queen.buffer.FileBufferClient;
import io.queen.maintenance.MaintenanceBus;
import io.queen.maintenance.MaintenanceFlags;
import io.queen.maintenance.MaintenanceState;
import io.queen.admin.Inspection;
import io.queen.admin.MessageActions;
import io.queen.admin.QueueAdmin;
import io.queen.admin.Statistics;
import io.queen.config.QueenConfig;
import io.queen.crypto.Encryption;
import io.queen.db.Databases;
import io.queen.longpoll.LongPolls;
import io.queen.longpoll.WakeUps;
import io.queen.metrics.QueenMetrics;
import io.queen.metrics.WorkerMetrics;
import io.queen.metrics.WorkerMetricsReporter;
import io.queen.queue.AckService;
import io.queen.queue.LeaseService;
import io.queen.queue.PopService;
import io.queen.queue.PushOwners;
import io.queen.queue.PushService;
import io.queen.queue.TransactionService;
import io.queen.streams.StreamCycles;
import io.queen.streams.StreamQueries;
import io.queen.streams.StreamState;
import io.queen.streams.StreamsOverview;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One worker: its own event loop, its own connection pools and its own listener on the
 * shared port. Workers share no mutable state; they exchange wake-up messages, and pushes go to
 * the worker that owns the partition ({@link PushOwners}).
 */
public final class QueenVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(QueenVerticle.class);
    /** Ack calls a worker runs at once; further ack requests wait and are fused (AckService). */
    private static final int ACK_CALLS_IN_FLIGHT = 2;
    private static final int ACK_ITEMS_PER_CALL = 10_000;

    private final QueenConfig config;
    private final DatabaseSettings connect;
    private final int workerId;
    private final QueenMetrics metrics;

    private Pool hotPool;
    private Pool backgroundPool;
    private HttpServer server;
    /** Null when JWT authentication is off. */
    private AuthHandler auth;
    private Encryption encryption;
    private ConnectionGuard guard;
    /** Shared by the process's workers. */
    private final BodyBudget bodies;
    private final BufferedPartitions bufferedPartitions;
    private final PushOwners pushOwners;
    private PushService pushes;
    private LongPolls longPolls;
    private WorkerMetricsReporter metricsReporter;
    private final MaintenanceState maintenance = new MaintenanceState();

    public QueenVerticle(QueenConfig config, DatabaseSettings connect, int workerId, QueenMetrics metrics,
                         BodyBudget bodies, BufferedPartitions bufferedPartitions, PushOwners pushOwners) {
        this.bodies = bodies;
        this.pushOwners = pushOwners;
        this.bufferedPartitions = bufferedPartitions;
        this.metrics = metrics;
        this.config = config;
        this.connect = connect;
        this.workerId = workerId;
    }

    @Override
    public Future<?> start() {
        hotPool = Databases.pool(vertx, connect, config.hotPoolSizes[workerId], "hot-" + workerId);
        int background = config.backgroundPoolSizes[workerId];
        backgroundPool = background > 0
                ? Databases.pool(vertx, connect, background, "background-" + workerId)
                : hotPool;

        WorkerMetrics workerMetrics = new WorkerMetrics(metrics, System.currentTimeMillis());
        longPolls = new LongPolls(vertx, new PopService(hotPool, config.maxPopBytes), config.pollRecheckMs, metrics,
                workerMetrics);
        longPolls.followWakeUps(vertx.eventBus());
        WakeUps wakeUps = new WakeUps(vertx.eventBus());
        MaintenanceBus.follow(vertx.eventBus(), MaintenanceBus.workerHolder(workerId), maintenance, key -> {
            if (MaintenanceState.POP.equals(key) && maintenance.popPaused()) {
                longPolls.answerAllEmpty(); // parked pops must not take messages while pops are paused
            }
        });
        FileBufferClient buffer = new FileBufferClient(vertx.eventBus(), bufferedPartitions);

        encryption = new Encryption(vertx, backgroundPool, config.encryptionKey, config.queueCacheRefreshMs);
        Router router = Router.router(vertx);
        guard = new ConnectionGuard(vertx, (config.maxConnections + config.workers - 1) / config.workers,
                config.headerTimeoutMs, config.idleTimeoutMs, config.bodyTimeoutMs);
        router.route().handler(guard::requestStarted);
        router.route().handler(new Cors(config.corsOrigins));
        if (config.jwt.enabled) {
            auth = AuthHandler.create(vertx, config.jwt);
            router.route().handler(auth);
        }
        router.route().handler(bodies.handler());
        router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes));
        router.route().handler(guard::bodyRead);
        pushes = new PushService(hotPool, wakeUps, config.pushMaxInFlight, config.pushMaxItemsPerCall,
                config.pushDbTimeoutMs);
        metricsReporter = new WorkerMetricsReporter(vertx, backgroundPool, workerMetrics, metrics.replica, workerId,
                config.metricsFlushMs, workerGauges(pushes), metrics.workerGauges);
        new MessageRoutes(config, pushOwners.route(workerId, context, pushes), longPolls, new AckService(hotPool, ACK_CALLS_IN_FLIGHT, ACK_ITEMS_PER_CALL), new LeaseService(hotPool),
                new TransactionService(backgroundPool, wakeUps), workerMetrics, maintenance,
                buffer, encryption).mount(router);
        new SystemRoutes(backgroundPool, vertx.eventBus(), config.workers, maintenance, buffer, config.peerNotify)
                .mount(router);
        new MetricsRoutes(metrics, config.totalHotConnections() + config.totalBackgroundConnections(),
                this::openConnections, config.workers, backgroundPool, buffer, maintenance).mount(router);
        ConsumerGroupAdmin groups = new ConsumerGroupAdmin(backgroundPool);
        QueueAdmin queueAdmin = new QueueAdmin(backgroundPool);
        new AdminRoutes(workerId, backgroundPool, queueAdmin, encryption.available(),
                config.db.connectTimeoutMs + 3000L)
                .mount(router);
        new ConsumerGroupRoutes(groups).mount(router);
        new StreamRoutes(new StreamQueries(backgroundPool), new StreamCycles(hotPool, wakeUps), new StreamState(hotPool),
                new StreamsOverview(backgroundPool), encryption, buffer, workerMetrics).mount(router);
        Inspection inspection = new Inspection(backgroundPool);
        new ResourceRoutes(inspection, queueAdmin).mount(router);
        new DlqRoutes(inspection, encryption).mount(router);
        new TraceRoutes(workerId, inspection, encryption).mount(router);
        Statistics statistics = new Statistics(backgroundPool);
        new StatusRoutes(workerId, inspection, buffer, statistics).mount(router);
        new InternalRoutes(wakeUps, config.peerNotify).mount(router);
        new MessagesRoutes(inspection, encryption, new MessageActions(backgroundPool), wakeUps).mount(router);
        new StatsRoutes(vertx.eventBus()).mount(router);
        new AnalyticsRoutes(new Analytics(backgroundPool), statistics).mount(router);
        new DashboardRoutes(auth).mount(router); // last: the API's routes win over the SPA fallback
        router.errorHandler(404, ctx -> Responses.error(ctx, 404, "Not Found: " + ctx.request().path()));
        router.errorHandler(405, ctx -> Responses.error(ctx, 405, "Method not allowed"));
        router.errorHandler(413, ctx -> Responses.error(ctx, 413,
                "Request body larger than " + config.maxBodyBytes + " bytes"));
        router.errorHandler(500, ctx -> Responses.failure(ctx, ctx.failure() == null
                ? new IllegalStateException("Internal error") : ctx.failure()));
        router.errorHandler(400, ctx -> Responses.error(ctx, 400, ctx.failure() == null
                ? "Bad request" : String.valueOf(ctx.failure().getMessage())));

        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host)
                .setPort(config.port)
                .setReusePort(true)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                // the API is HTTP/1.1 (spec 3.0); an h2c upgrade only adds a protocol to defend,
                // and one bad stream's GOAWAY ends every request sharing its connection
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout(0);
        server = vertx.createHttpServer(options).connectionHandler(guard::connected).requestHandler(router)
                .invalidRequestHandler(Responses::undecodable);
        // the switches are in force before the first request; if the database cannot tell
        // now, the file buffer's periodic re-read brings them within seconds
        return (auth == null ? Future.succeededFuture() : auth.start())
                .compose(v -> encryption.start())
                .compose(v -> MaintenanceFlags.read(backgroundPool))
                .onSuccess(updates -> updates.forEach(maintenance::apply))
                .otherwiseEmpty()
                .onSuccess(v -> pushOwners.register(workerId, context, pushes))
                .compose(v -> server.listen())
                .onSuccess(s -> metricsReporter.start())
                .onSuccess(s -> LOG.debug("Worker {} listening on {}:{}", workerId, config.host,
                s.actualPort()));
    }

    /** What the worker's metrics sample once a second. */
    private WorkerMetricsReporter.Gauges workerGauges(PushService pushes) {
        return new WorkerMetricsReporter.Gauges() {
            @Override
            public int freeSlots() {
                return pushes.freeSlots();
            }

            @Override
            public int jobQueue() {
                return pushes.waitingRequests();
            }

            @Override
            public int dbConnections() {
                return openConnections();
            }

            @Override
            public long pushCalls() {
                return pushes.calls();
            }

            @Override
            public void forEachParked(java.util.function.BiConsumer<String, Integer> action) {
                longPolls.forEachParked(action);
            }
        };
    }

    private int openConnections() {
        return hotPool.size() + (backgroundPool == hotPool ? 0 : backgroundPool.size());
    }

    @Override
    public Future<?> stop() {
        // parked long-polls are answered empty, then in-flight requests get the grace period
        longPolls.answerAllEmpty();
        if (auth != null) {
            auth.stop();
        }
        encryption.stop();
        // the other workers push into this one's partitions themselves from now on; the pushes
        // they already handed over finish before the pools close
        pushOwners.unregister(workerId);
        return server.shutdown(config.shutdownGraceMs, TimeUnit.MILLISECONDS)
                .eventually(() -> pushes.whenIdle().timeout(config.shutdownGraceMs + 1000L, TimeUnit.MILLISECONDS))
                .eventually(() -> metricsReporter.stop())
                .eventually(() -> backgroundPool == hotPool ? Future.succeededFuture() : backgroundPool.close())
                .eventually(() -> hotPool.close());
    }
}
