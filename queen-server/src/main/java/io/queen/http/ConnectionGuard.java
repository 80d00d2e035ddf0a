package io.queen.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a worker's connections from holding memory for nothing: a cap on open connections, and
 * timers that close a connection which sends no complete request headers in time (on connect),
 * idles too long between requests (keep-alive), or takes too long to send a request body. A
 * request in progress, a parked long-poll included, is never timed out here. Event-loop
 * confined: one guard per worker, touched only on its event loop.
 * <p>
 * A connection's timeout is a deadline in its state, checked by one periodic sweep of the
 * worker's connections (a tenth of the shortest timeout apart, 10 ms to 1 s): each request moves
 * it two or three times, and a timer set and cancelled each time cost about a tenth of the
 * event loop's samples under one-item pushes.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final String STATE = "queen.connection";

    private final int maxConnections;
    private final long headerTimeoutMs;
    private final long idleTimeoutMs;
    private final long bodyTimeoutMs;
    private final Map<HttpConnection, State> open = new HashMap<>();
    private long refused;
    private long lastRefusalLog;

    /** No deadline: the connection is not timed out now. */
    private static final long NONE = Long.MAX_VALUE;

    private static final class State {
        /** System.nanoTime() by which the connection must have moved on, or NONE. */
        long deadline = NONE;
        String why;
        int inFlight;
    }

    ConnectionGuard(Vertx vertx, int maxConnections, long headerTimeoutMs, long idleTimeoutMs, long bodyTimeoutMs) {
        this.maxConnections = maxConnections;
        this.headerTimeoutMs = headerTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.bodyTimeoutMs = bodyTimeoutMs;
        long shortest = Long.MAX_VALUE;
        for (long t : new long[] {headerTimeoutMs, idleTimeoutMs, bodyTimeoutMs}) {
            if (t > 0) {
                shortest = Math.min(shortest, t);
            }
        }
        if (shortest != Long.MAX_VALUE) {
            // set on the worker's event loop: cancelled with the verticle when it is undeployed
            vertx.setPeriodic(Math.max(10, Math.min(1000, shortest / 10)), id -> sweep());
        }
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
        arm(state, headerTimeoutMs, "no request headers");
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
                arm(state, bodyTimeoutMs, "request body not received");
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
            arm(state, idleTimeoutMs, "idle");
        }
    }

    private void arm(State state, long delayMs, String why) {
        if (delayMs <= 0) {
            cancel(state);
            return;
        }
        state.deadline = System.nanoTime() + delayMs * 1_000_000;
        state.why = why;
    }

    private void cancel(State state) {
        state.deadline = NONE;
    }

    /** Closes the connections whose deadline has passed. */
    private void sweep() {
        long now = System.nanoTime();
        List<Map.Entry<HttpConnection, State>> late = null;
        for (Map.Entry<HttpConnection, State> e : open.entrySet()) {
            long deadline = e.getValue().deadline;
            if (deadline != NONE && now - deadline >= 0) {
                if (late == null) {
                    late = new ArrayList<>();
                }
                late.add(e);
            }
        }
        if (late == null) {
            return;
        }
        // closed after the walk: a close handler removes its connection from the map
        for (Map.Entry<HttpConnection, State> e : late) {
            e.getValue().deadline = NONE;
            LOG.debug("Closing connection from {}: {}", e.getKey().remoteAddress(), e.getValue().why);
            e.getKey().close();
        }
    }
}
