package io.queen.http;

import io.queen.longpoll.WakeUps;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * Everything under /internal/api (spec 3.14 shared-state, 3.15): an external wake-up for parked
 * pops, and what this server shares with its peers.
 */
final class InternalRoutes {
    private final WakeUps wakeUps;
    private final boolean peerNotify;

    InternalRoutes(WakeUps wakeUps, boolean peerNotify) {
        this.wakeUps = wakeUps;
        this.peerNotify = peerNotify;
    }

    void mount(Router router) {
        router.post("/internal/api/notify").handler(this::notifyQueue);
        router.get("/internal/api/shared-state/stats").handler(this::sharedState);
        router.get("/internal/api/inter-instance/stats").handler(this::sharedState);
    }

    /**
     * Wakes the long-polls parked on the queue here and, through the same path a push takes,
     * on the other servers: for messages that reached the database some other way.
     */
    private void notifyQueue(RoutingContext ctx) {
        JsonObject body = Bodies.object(ctx);
        String queue = Bodies.optionalString(body, "queue");
        if (queue == null || queue.isEmpty()) {
            throw ApiError.badRequest("queue is required");
        }
        wakeUps.announce(Map.of(queue, 1));
        Responses.json(ctx, 200, new JsonOut().beginObject().field("status", "ok").endObject().toString());
    }

    /**
     * The reference keeps a UDP-synchronised cache here; this server keeps nothing in memory
     * that peers need, and wakes them through PostgreSQL instead.
     */
    private void sharedState(RoutingContext ctx) {
        Responses.json(ctx, 200, sharedState(peerNotify));
    }

    /** Also answered at /api/v1/system/shared-state ({@link SystemRoutes}). */
    static String sharedState(boolean peerNotify) {
        return new JsonOut().beginObject()
                .field("enabled", false)
                .field("peerWakeUps", peerNotify ? "postgres-notify" : "off")
                .endObject().toString();
    }
}
