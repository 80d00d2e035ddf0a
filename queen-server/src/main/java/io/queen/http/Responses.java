package io.queen.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.queen.db.DbErrors;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON responses with the headers every Queen client expects, and maps failures. */
public final class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
    /** Made once: Netty copies an AsciiString header value as bytes, without encoding it again. */
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, String body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body);
    }

    /** The writer's bytes as they are: no String is made of them. */
    static void json(RoutingContext ctx, int status, JsonOut body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body.toBuffer());
    }

    /** 200 with the body made from the result, or the failure's status and JSON error. */
    static <T> void json(RoutingContext ctx, io.vertx.core.Future<T> result,
                         java.util.function.Function<T, String> body) {
        result.onComplete(ar -> {
            if (ar.failed()) {
                failure(ctx, ar.cause());
                return;
            }
            String text;
            try {
                text = body.apply(ar.result());
            } catch (RuntimeException e) {
                // an exception here would end in the future's handler, and the client would wait
                failure(ctx, e);
                return;
            }
            json(ctx, 200, text);
        });
    }

    static void noContent(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(204).end();
    }

    public static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonOut().beginObject().field("error", message).endObject().toString());
    }

    /** 503 with Retry-After: a condition that passes by itself (contention, a full budget, a replay). */
    static void retryShortly(RoutingContext ctx, String message) {
        if (!ctx.response().ended()) {
            ctx.response().putHeader("Retry-After", "1");
        }
        error(ctx, 503, message);
    }


    /**
     * A request the HTTP decoder could not read (a request line or headers over the limits,
     * malformed HTTP): the status Vert.x would send, with a JSON body saying why instead of an
     * empty one, and the connection closed (its state is unknown).
     */
    static void undecodable(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            message = "Request line too long (the URL, with its query string)";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            message = "Request headers too large";
        } else {
            status = 400;
            message = "Malformed HTTP request";
        }
        request.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new JsonOut().beginObject().field("error", message).endObject().toString())
                .onComplete(v -> request.connection().close());
    }

    /** The single place where an exception becomes a status code and a JSON body. */
    static void failure(RoutingContext ctx, Throwable error) {
        if (error instanceof ApiError) {
            ApiError api = (ApiError) error;
            error(ctx, api.status, api.getMessage());
            return;
        }
        if (DbErrors.isUnavailable(error)) {
            LOG.warn("Database unavailable while serving {} {}: {}", ctx.request().method(), ctx.request().path(),
                    error.toString());
            error(ctx, 503, "Database unavailable, try again shortly");
            return;
        }
        if (DbErrors.isBusy(error)) {
            LOG.warn("Database busy while serving {} {}: {}", ctx.request().method(), ctx.request().path(),
                    error.toString());
            retryShortly(ctx, "The database is busy (a lock wait or statement timed out); try again shortly");
            return;
        }
        // what the database said stays in the log: the client gets what it can act on, never
        // PostgreSQL's text (which names tables, indexes and internals)
        String invalid = DbErrors.invalidInputMessage(error);
        if (invalid != null) {
            LOG.info("Request {} {} rejected by the database: {}", ctx.request().method(), ctx.request().path(),
                    error.toString());
            error(ctx, 400, invalid);
            return;
        }
        LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), error);
        error(ctx, 500, "Internal server error (logged on the server)");
    }

}
