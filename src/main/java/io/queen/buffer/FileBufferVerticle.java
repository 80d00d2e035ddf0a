package io.queen.buffer;

import io.queen.config.QueenConfig;
import io.queen.db.Databases;
import io.queen.maintenance.MaintenanceBus;
import io.queen.maintenance.MaintenanceFlags;
import io.queen.maintenance.MaintenancePoller;
import io.queen.maintenance.MaintenanceState;
import io.queen.queue.WakeUps;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

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

    private final QueenConfig config;
    private final PgConnectOptions connect;
    private final MaintenanceState maintenance = new MaintenanceState();

    private BufferFiles files;
    private BufferDrainer drainer;
    private Pool pool;

    public FileBufferVerticle(QueenConfig config, PgConnectOptions connect) {
        this.config = config;
        this.connect = connect;
    }

    @Override
    public Future<?> start() throws IOException {
        files = new BufferFiles(config.bufferDir, config.bufferEventsPerFile);
        files.open();
        if (files.pendingEvents() > 0) {
            LOG.info("File buffer {}: {} event(s) left from an earlier run will be replayed", config.bufferDir,
                    files.pendingEvents());
        }
        pool = Databases.pool(vertx, connect, config.connectTimeoutMs, 1, "file-buffer");
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
                .onComplete(ar -> {
                    vertx.setPeriodic(config.bufferFlushMs, id -> drainer.tick());
                    vertx.setPeriodic(FAILED_RETRY_MS, id -> retryFailed());
                    new MaintenancePoller(vertx, pool).start(MAINTENANCE_POLL_MS);
                });
    }

    private JsonObject stats() {
        int failed;
        try {
            failed = files.failedFiles();
        } catch (IOException e) {
            failed = -1;
        }
        return new JsonObject()
                .put("pendingCount", files.pendingEvents())
                .put("failedCount", failed)
                .put("dbHealthy", drainer.dbHealthy())
                .put("bufferHealthy", files.writable() && failed >= 0);
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
