package io.queen.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * CORS for every response (spec 3.0): by default any origin, as the reference answers
 * ({@code Access-Control-Allow-Origin: *}); with {@code CORS_ALLOWED_ORIGINS} only the listed
 * origins get the headers (their own origin echoed, with {@code Vary: Origin}), others none, so
 * that a browser on another site cannot read the answers. {@code OPTIONS} on any path is a
 * preflight: 204 without a body.
 */
final class Cors implements Handler<RoutingContext> {
    /** Null: any origin. */
    private final Set<String> origins;

    Cors(Set<String> origins) {
        this.origins = origins;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        ctx.addHeadersEndHandler(v -> apply(ctx.response(), origin));
        if (ctx.request().method() == HttpMethod.OPTIONS) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        ctx.next();
    }

    private void apply(HttpServerResponse response, String origin) {
        if (origins == null) {
            response.putHeader("Access-Control-Allow-Origin", "*");
        } else if (origin != null && origins.contains(origin)) {
            response.putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
        } else {
            return;
        }
        response.putHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
                .putHeader("Access-Control-Allow-Headers", "Content-Type, Authorization")
                .putHeader("Access-Control-Max-Age", "86400");
    }
}
