package io.queen.buffer;

import io.queen.config.DatabaseSettings;
import io.queen.config.QueenConfig;
import io.queen.db.Databases;
import io.queen.longpoll.WakeUps;
import io.queen.maintenance.MaintenanceBus;
import io.queen.maintenance.MaintenanceFlags;
import io.queen.maintenance.MaintenancePoller;
import io.queen.maintenance.MaintenanceState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The process's one file buffer (spec 2.15). Deployed as a worker verticle: file writes,
 * fsyncs and reads block, and they do so on its own thread, never on an event loop. Workers
 * reach it only through the event bus ({@link FileBufferClient}). It also runs the drain
 * into the database and the periodic re-read of the maintenance switches, both on one
 * connection of its own.
 */
public final class FileBufferVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(FileBufferVerticle.class);
    private static final long MAINTENANCE_POLL_MS = 2000;
    private static final long FAILED_RETRY_MS = 30_000;
    /** How long start-up waits for the replay of an earlier run's buffer, like the reference. */
    public static final long START_REPLAY_LIMIT_MS = TimeUnit.HOURS.toMillis(1);
    private static final long START_REPLAY_RETRY_MS = 1000;
    private static final long START_REPLAY_PROGRESS_MS = 5000;

    private final QueenConfig config;
    private final DatabaseSettings connect;
    private final MaintenanceState maintenance = new MaintenanceState();

    private BufferFiles files;
    private final BufferedPartitions partitions;
    private BufferDrainer drainer;
    private Pool pool;

    public FileBufferVerticle(QueenConfig config, DatabaseSettings connect, BufferedPartitions partitions) {
        this.partitions = partitions;
        this.config = config;
        this.connect = connect;
    }

    @Override
    public Future<?> start() throws IOException {
        files = new BufferFiles(config.bufferDir, config.bufferEventsPerFile, partitions);
        files.open();
        if (files.pendingEvents() > 0) {
            LOG.info("File buffer {}: {} event(s) left from an earlier run will be replayed", config.bufferDir,
                    files.pendingEvents());
        }
        pool = Databases.pool(vertx, connect, 1, "file-buffer");
        drainer = new BufferDrainer(files, pool, maintenance, new WakeUps(vertx.eventBus()), config.bufferMaxBatch);
        MaintenanceBus.follow(vertx.eventBus(), MaintenanceBus.BUFFER_HOLDER, maintenance, key -> {
        });
        vertx.eventBus().<Buffer>localConsumer(FileBufferClient.APPEND, msg -> {
            try {
                files.append(msg.body(), Integer.parseInt(msg.headers().get(FileBufferClient.EVENTS)));
                msg.reply(null);
            } catch (IOException | RuntimeException e) {
                LOG.error("File buffer write failed: {}", e.toString());
                msg.fail(500, "File buffer write failed: " + e.getMessage());
            }
        });
        vertx.eventBus().localConsumer(FileBufferClient.STATS, msg -> msg.reply(stats()));
        // the switches must be known before the first drain: never drain while maintenance is on
        return MaintenanceFlags.read(pool)
                .onSuccess(updates -> updates.forEach(maintenance::apply))
                .onFailure(e -> LOG.warn("Could not read the maintenance switches at start: {}", e.toString()))
                .otherwiseEmpty()
                .compose(v -> replayBeforeListening())
                .onComplete(ar -> {
                    vertx.setPeriodic(config.bufferFlushMs, id -> drainer.tick());
                    vertx.setPeriodic(FAILED_RETRY_MS, id -> retryFailed());
                    new MaintenancePoller(vertx, pool).start(MAINTENANCE_POLL_MS);
                });
    }

    /**
     * Replays what an earlier run left in the buffer before the workers start listening (the
     * server waits for this verticle): a push accepted now must not overtake older buffered
     * pushes to the same partition. Gives up after {@link #START_REPLAY_LIMIT_MS} so that a
     * database refusing the replay cannot keep the server down for good.
     */
    private Future<Void> replayBeforeListening() {
        long events = files.pendingEvents();
        if (events == 0) {
            return Future.succeededFuture();
        }
        if (maintenance.pushPaused()) {
            LOG.info("Push maintenance is on: the {} buffered event(s) stay buffered until it is switched off", events);
            return Future.succeededFuture();
        }
        LOG.info("Replaying {} buffered event(s) before accepting requests", events);
        long started = System.nanoTime();
        long progress = vertx.setPeriodic(START_REPLAY_PROGRESS_MS, id ->
                LOG.info("Replaying the file buffer: {} event(s) left", files.pendingEvents()));
        Promise<Void> done = Promise.promise();
        replayUntilEmpty(started, done);
        return done.future().onComplete(ar -> {
            vertx.cancelTimer(progress);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (files.pendingEvents() == 0) {
                LOG.info("File buffer replayed in {} ms", ms);
            } else {
                LOG.warn("Starting with {} event(s) still buffered after {} ms; they drain in the background",
                        files.pendingEvents(), ms);
            }
        });
    }

    private void replayUntilEmpty(long started, Promise<Void> done) {
        drainer.drainReady().onComplete(ar -> {
            boolean finished = ar.succeeded() && ar.result();
            boolean tooLong = System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(START_REPLAY_LIMIT_MS);
            if (finished || maintenance.pushPaused() || tooLong) {
                done.complete();
            } else {
                vertx.setTimer(START_REPLAY_RETRY_MS, id -> replayUntilEmpty(started, done));
            }
        });
    }

    private JsonObject stats() {
        BufferFiles.Failed failed;
        try {
            failed = files.failed();
        } catch (IOException e) {
            LOG.error("Cannot list the buffer's failed/ directory: {}", e.toString());
            failed = null;
        }
        return new JsonObject()
                .put("pendingCount", files.pendingEvents())
                .put("failedCount", failed == null ? -1 : failed.count())
                .put("failedBytes", failed == null ? -1 : failed.bytes())
                .put("dbHealthy", drainer.dbHealthy())
                .put("bufferHealthy", files.writable() && failed != null);
    }

    private void retryFailed() {
        if (!drainer.dbHealthy() || maintenance.pushPaused()) {
            return;
        }
        try {
            files.retryFailed();
        } catch (IOException e) {
            LOG.error("Could not retry failed buffer files: {}", e.toString());
        }
    }

    @Override
    public Future<?> stop() {
        // what is being written stays on disk; the next start finalizes and replays it
        files.rotate();
        return pool.close();
    }
}
