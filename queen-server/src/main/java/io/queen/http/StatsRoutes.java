package io.queen.http;

import io.queen.jobs.MaintenanceJobsVerticle;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import static io.queen.http.MessageRoutes.guard;

/**
 * The forced statistics refresh, /api/v1/stats/refresh (spec 3.13). It is not computed here:
 * the process's jobs verticle runs it, queued behind any job run in progress and under the
 * stats job's lock, and this route only waits for its answer.
 */
final class StatsRoutes {
    /** A reconcile of a large database takes many chunks; the caller waits for all of them. */
    private static final long REFRESH_TIMEOUT_MS = 300_000;

    private final EventBus bus;

    StatsRoutes(EventBus bus) {
        this.bus = bus;
    }

    void mount(Router router) {
        router.post("/api/v1/stats/refresh").handler(guard(this::refresh));
    }

    private void refresh(RoutingContext ctx) {
        Future<String> answer = bus.<JsonObject>request(MaintenanceJobsVerticle.STATS_REFRESH_ADDRESS, null,
                        new DeliveryOptions().setSendTimeout(REFRESH_TIMEOUT_MS))
                .map(reply -> reply.body().encode())
                .recover(e -> Future.failedFuture(e instanceof ReplyException
                        && ((ReplyException) e).failureType() != ReplyFailure.RECIPIENT_FAILURE
                        ? new ApiError(503, "Statistics job unavailable: " + e.getMessage()) : e));
        Responses.json(ctx, answer, body -> body);
    }

}
