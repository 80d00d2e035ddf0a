package io.queen.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps a worker's connections from holding memory for nothing: a cap on open connections, and
 * timers that close a connection which sends no complete request headers in time (on connect),
 * idles too long between requests (keep-alive), or takes too long to send a request body. A
 * request in progress, a parked long-poll included, is never timed out here. Event-loop
 * confined: one guard per worker, touched only on its event loop.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final String STATE = "queen.connection";

    private final Vertx vertx;
    private final int maxConnections;
    private final long headerTimeoutMs;
    private final long idleTimeoutMs;
    private final long bodyTimeoutMs;
    private final Map<HttpConnection, State> open = new HashMap<>();
    private long refused;
    private long lastRefusalLog;

    private static final class State {
        long timer = -1;
        int inFlight;
    }

    ConnectionGuard(Vertx vertx, int maxConnections, long headerTimeoutMs, long idleTimeoutMs, long bodyTimeoutMs) {
        this.vertx = vertx;
        this.maxConnections = maxConnections;
        this.headerTimeoutMs = headerTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.bodyTimeoutMs = bodyTimeoutMs;
    }

    int openConnections() {
        return open.size();
    }

    /** HttpServer#connectionHandler: a new connection gets the header timeout, or is refused over the cap. */
    void connected(HttpConnection connection) {
        if (open.size() >= maxConnections) {
            refused++;
            long now = System.currentTimeMillis();
            if (now - lastRefusalLog > 60_000) {
                lastRefusalLog = now;
                LOG.warn("Connection limit reached ({} on this worker, QUEEN_MAX_CONNECTIONS); {} refused so far",
                        maxConnections, refused);
            }
            connection.close();
            return;
        }
        State state = new State();
        open.put(connection, state);
        connection.closeHandler(v -> {
            State s = open.remove(connection);
            if (s != null) {
                cancel(s);
            }
        });
        arm(connection, state, headerTimeoutMs, "no request headers");
    }

    /** First router handler: a request started; until its body is read it has the body timeout. */
    void requestStarted(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        State state = open.get(connection);
        if (state != null) {
            state.inFlight++;
            if (ctx.request().isEnded()) {
                cancel(state);
            } else {
                arm(connection, state, bodyTimeoutMs, "request body not received");
            }
            ctx.put(STATE, state);
            ctx.addEndHandler(ar -> requestEnded(connection, state));
        }
        ctx.next();
    }

    /** After the body handler: the body is in; the request now runs as long as it needs. */
    void bodyRead(RoutingContext ctx) {
        State state = ctx.get(STATE);
        if (state != null) {
            cancel(state);
        }
        ctx.next();
    }

    private void requestEnded(HttpConnection connection, State state) {
        state.inFlight--;
        if (state.inFlight <= 0 && open.containsKey(connection)) {
            arm(connection, state, idleTimeoutMs, "idle");
        }
    }

    private void arm(HttpConnection connection, State state, long delayMs, String why) {
        cancel(state);
        if (delayMs <= 0) {
            return;
        }
        state.timer = vertx.setTimer(delayMs, id -> {
            state.timer = -1;
            LOG.debug("Closing connection from {}: {}", connection.remoteAddress(), why);
            connection.close();
        });
    }

    private void cancel(State state) {
        if (state.timer >= 0) {
            vertx.cancelTimer(state.timer);
            state.timer = -1;
        }
    }
}
