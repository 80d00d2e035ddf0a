package io.queen.http;

import io.queen.buffer.FileBufferClient;
import io.queen.maintenance.MaintenanceBus;
import io.queen.maintenance.MaintenanceFlags;
import io.queen.maintenance.MaintenanceState;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

import static io.queen.http.MessageRoutes.guard;

/**
 * Everything under /api/v1/system (spec 3.14): the push and pop maintenance switches with the
 * file buffer's state, and what this server shares with its peers.
 */
final class SystemRoutes {
    private final SqlClient db;
    private final EventBus bus;
    private final List<String> holders;
    private final MaintenanceState maintenance;
    private final FileBufferClient buffer;
    private final boolean peerNotify;

    SystemRoutes(SqlClient db, EventBus bus, int workers, MaintenanceState maintenance,
                 FileBufferClient buffer, boolean peerNotify) {
        this.peerNotify = peerNotify;
        this.db = db;
        this.bus = bus;
        this.holders = MaintenanceBus.holders(workers);
        this.maintenance = maintenance;
        this.buffer = buffer;
    }

    void mount(Router router) {
        router.get("/api/v1/system/shared-state").handler(ctx -> Responses.json(ctx, 200,
                InternalRoutes.sharedState(peerNotify)));
        router.get("/api/v1/system/maintenance").handler(this::pushStatus);
        router.post("/api/v1/system/maintenance").handler(guard(this::setPush));
        router.get("/api/v1/system/maintenance/pop").handler(this::popStatus);
        router.post("/api/v1/system/maintenance/pop").handler(guard(this::setPop));
    }

    private void pushStatus(RoutingContext ctx) {
        Future<List<JsonObject>> flags = MaintenanceFlags.read(db);
        Future<JsonObject> stats = buffer.stats();
        Future.all(flags, stats).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            JsonObject s = stats.result();
            Responses.json(ctx, 200, new JsonOut().beginObject()
                    .field("maintenanceMode", MaintenanceFlags.enabled(flags.result(), MaintenanceState.PUSH))
                    .field("popMaintenanceMode", MaintenanceFlags.enabled(flags.result(), MaintenanceState.POP))
                    .field("bufferedMessages", s.getLong("pendingCount"))
                    .field("bufferHealthy", s.getBoolean("bufferHealthy"))
                    .name("bufferStats").beginObject()
                    .field("pendingCount", s.getLong("pendingCount"))
                    .field("failedCount", s.getInteger("failedCount"))
                    .field("dbHealthy", s.getBoolean("dbHealthy"))
                    .name("failedFiles").beginObject()
                    .field("count", s.getInteger("failedCount"))
                    .field("totalBytes", s.getLong("failedBytes"))
                    .field("totalMB", Math.round(s.getLong("failedBytes") / 1048576.0 * 100) / 100.0)
                    // every buffer file this server writes is a failover file; it has no QoS-0 family
                    .field("failoverCount", s.getInteger("failedCount"))
                    .field("qos0Count", 0)
                    .endObject()
                    .endObject()
                    .endObject().toString());
        });
    }

    private void setPush(RoutingContext ctx) {
        boolean enabled = enabledFlag(ctx);
        switchTo(MaintenanceState.PUSH, enabled).compose(v -> buffer.stats()).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            Responses.json(ctx, 200, new JsonOut().beginObject()
                    .field("maintenanceMode", enabled)
                    .field("bufferedMessages", ar.result().getLong("pendingCount"))
                    .field("bufferHealthy", ar.result().getBoolean("bufferHealthy"))
                    .field("message", enabled
                            ? "Maintenance mode enabled: pushes are written to the file buffer"
                            : "Maintenance mode disabled: buffered messages are being drained to the database")
                    .endObject().toString());
        });
    }

    private void popStatus(RoutingContext ctx) {
        boolean paused = maintenance.popPaused();
        Responses.json(ctx, 200, popBody(paused));
    }

    private void setPop(RoutingContext ctx) {
        boolean enabled = enabledFlag(ctx);
        switchTo(MaintenanceState.POP, enabled).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
            } else {
                Responses.json(ctx, 200, popBody(enabled));
            }
        });
    }

    private static String popBody(boolean paused) {
        return new JsonOut().beginObject()
                .field("popMaintenanceMode", paused)
                .field("message", paused
                        ? "Pop maintenance mode enabled: pops return no messages"
                        : "Pop maintenance mode disabled: pops deliver messages")
                .endObject().toString();
    }

    /** Persisted first (the other servers poll it), then applied by every worker of this server. */
    private Future<Void> switchTo(String key, boolean enabled) {
        return MaintenanceFlags.write(db, key, enabled)
                .compose(update -> MaintenanceBus.applyEverywhere(bus, holders, update));
    }

    private static boolean enabledFlag(RoutingContext ctx) {
        Object enabled = Bodies.optionalObject(ctx).getValue("enabled");
        if (!(enabled instanceof Boolean)) {
            throw ApiError.badRequest("enabled (boolean) is required");
        }
        return (Boolean) enabled;
    }
}
