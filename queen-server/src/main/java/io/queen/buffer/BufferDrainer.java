package io.queen.buffer;

import io.queen.db.DbErrors;
import io.queen.longpoll.WakeUps;
import io.queen.maintenance.MaintenanceState;
import io.queen.queue.PushBatch;
import io.queen.queue.PushService;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Replays buffer files into the database through the normal push SQL: oldest file first, a
 * bounded number of events per call, the file deleted only once all its events are stored.
 * Replays are idempotent (each event keeps its transaction id), so a file that is retried
 * after a partial drain only yields duplicates. Runs on the file buffer's worker context.
 */
final class BufferDrainer {
    private static final Logger LOG = LoggerFactory.getLogger(BufferDrainer.class);
    private static final int BREAKER_FAILURES = 10;
    private static final long BREAKER_REST_MS = 5000;

    /** Push maintenance was switched on in the middle of a drain. */
    private static final class Paused extends RuntimeException {
        Paused() {
            super("push maintenance", null, false, false);
        }
    }

    private final BufferFiles files;
    private final SqlClient db;
    private final MaintenanceState maintenance;
    private final WakeUps wakeUps;
    private final int maxBatch;

    private boolean draining;
    private boolean dbHealthy = true;
    /** Drains in a row that ended in an error; at {@link #BREAKER_FAILURES} the drainer rests. */
    private int failuresInRow;
    private long restUntilNanos;

    BufferDrainer(BufferFiles files, SqlClient db, MaintenanceState maintenance, WakeUps wakeUps, int maxBatch) {
        this.files = files;
        this.db = db;
        this.maintenance = maintenance;
        this.wakeUps = wakeUps;
        this.maxBatch = maxBatch;
    }

    /**
     * One timer tick: starts a drain unless one is running, maintenance is on, the circuit
     * breaker rests or nothing waits.
     */
    void tick() {
        if (System.nanoTime() - restUntilNanos < 0) {
            return;
        }
        drainReady();
    }

    /**
     * Drains the complete files that are waiting now. Completes when that drain is over, with
     * true if it stored everything it tried (or there was nothing to do), false if it stopped
     * on an error or on maintenance.
     */
    Future<Boolean> drainReady() {
        if (draining || maintenance.pushPaused()) {
            return Future.succeededFuture(false);
        }
        List<Path> ready;
        try {
            files.rotate();
            ready = files.ready();
        } catch (IOException e) {
            LOG.error("Cannot list the buffer directory: {}", e.toString());
            return Future.succeededFuture(false);
        }
        if (ready.isEmpty()) {
            return Future.succeededFuture(true);
        }
        draining = true;
        // transform, not map: whatever happens, the next tick must be able to drain again
        return drainAll(ready, 0).transform(ar -> {
            draining = false;
            Throwable failure = ar.succeeded() ? ar.result() : ar.cause();
            if (ar.failed()) {
                LOG.error("Buffer drain failed unexpectedly", ar.cause());
            }
            countOutcome(failure);
            return Future.succeededFuture(failure == null);
        });
    }

    /**
     * Rests the drainer for a while after many failed drains in a row: each attempt against a
     * database that is down costs a connection timeout and a log line, every tick.
     */
    private void countOutcome(Throwable failure) {
        if (failure == null || failure instanceof Paused) {
            failuresInRow = 0;
            return;
        }
        if (++failuresInRow >= BREAKER_FAILURES) {
            failuresInRow = 0;
            restUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BREAKER_REST_MS);
            LOG.debug("Buffer drain failed {} times in a row; resting {} ms", BREAKER_FAILURES, BREAKER_REST_MS);
        }
    }

    boolean dbHealthy() {
        return dbHealthy;
    }

    /** Completes with the error that stopped the drain, or null when every file was drained. */
    private Future<Throwable> drainAll(List<Path> ready, int index) {
        if (index >= ready.size()) {
            return Future.succeededFuture(null);
        }
        return drainFile(ready.get(index)).compose(v -> drainAll(ready, index + 1), e -> {
            if (!(e instanceof Paused)) {
                report(e);
            }
            return Future.succeededFuture(e);
        });
    }

    private Future<Void> drainFile(Path file) {
        List<BufferRecords.Event> events;
        try {
            events = files.read(file);
        } catch (IOException e) {
            setAside(file, List.of(), e);
            return Future.succeededFuture();
        }
        return pushFrom(events, 0).compose(v -> {
            try {
                files.drained(file, events);
            } catch (IOException e) {
                // stored already; a later retry only produces duplicates
                LOG.error("Could not delete drained buffer file {}: {}", file, e.toString());
            }
            return Future.<Void>succeededFuture();
        }, e -> {
            if (e instanceof Paused || DbErrors.isUnavailable(e)) {
                return Future.failedFuture(e);
            }
            setAside(file, events, e);
            return Future.succeededFuture();
        });
    }

    private Future<Void> pushFrom(List<BufferRecords.Event> events, int from) {
        if (from >= events.size()) {
            return Future.succeededFuture();
        }
        if (maintenance.pushPaused()) {
            return Future.failedFuture(new Paused());
        }
        int to = Math.min(events.size(), from + maxBatch);
        PushBatch batch = new PushBatch();
        for (BufferRecords.Event e : events.subList(from, to)) {
            batch.add(e.queue(), e.partition(), e.transactionId(), e.payloadJson(), e.traceId(), e.producerSub());
            if (e.encrypted()) {
                batch.markEncrypted(batch.size() - 1);
            }
        }
        return PushService.execute(db, batch).compose(results -> {
            if (!dbHealthy) {
                LOG.info("Database reachable again; draining {} buffered event(s)", files.pendingEvents());
                dbHealthy = true;
            }
            wakeUps.announce(PushService.partitionsByQueue(results));
            return pushFrom(events, to);
        });
    }

    /** Logs an outage once, not on every tick; the next tick simply tries again. */
    private void report(Throwable e) {
        if (DbErrors.isUnavailable(e)) {
            if (dbHealthy) {
                LOG.warn("Database unreachable; {} buffered event(s) wait for it: {}", files.pendingEvents(),
                        e.toString());
            }
            dbHealthy = false;
        } else {
            LOG.error("Buffer drain failed", e);
        }
    }

    private void setAside(Path file, List<BufferRecords.Event> events, Throwable why) {
        LOG.error("Buffer file {} could not be drained, moved to failed/: {}", file, why.toString());
        try {
            files.setAside(file, events);
        } catch (IOException e) {
            LOG.error("Could not move {} to failed/: {}", file, e.toString());
        }
    }
}
