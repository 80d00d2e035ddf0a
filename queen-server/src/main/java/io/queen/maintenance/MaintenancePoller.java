package io.queen.maintenance;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety net behind the notifications: re-reads the switches every few seconds and publishes
 * them, so a server that missed a NOTIFY (connection down, peer notifications off) follows
 * a change made on another server within one interval.
 */
public final class MaintenancePoller {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenancePoller.class);

    private final Vertx vertx;
    private final SqlClient db;
    private boolean running;

    public MaintenancePoller(Vertx vertx, SqlClient db) {
        this.vertx = vertx;
        this.db = db;
    }

    public void start(long intervalMs) {
        vertx.setPeriodic(intervalMs, id -> poll());
    }

    private void poll() {
        if (running) {
            return;
        }
        running = true;
        MaintenanceFlags.read(db)
                .onSuccess(updates -> updates.forEach(u ->
                        MaintenanceBus.publish(vertx.eventBus(), u, MaintenanceBus.FROM_POLL)))
                .onFailure(e -> LOG.debug("Could not re-read the maintenance switches: {}", e.toString()))
                .onComplete(ar -> running = false);
    }
}
