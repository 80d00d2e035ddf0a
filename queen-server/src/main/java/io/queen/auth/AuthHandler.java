package io.queen.auth;

import io.queen.config.JwtSettings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.queen.http.Responses;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PublicKey;
import java.util.List;

/**
 * JWT authentication and authorisation of every request (spec 5.2), installed before the body
 * is read: a request without a valid token costs the server no body buffering. The identity of
 * an accepted request is attached to its context for producer stamping.
 */
public final class AuthHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

    private final List<String> skipPaths;
    private final TokenVerifier verifier;
    private final JwksKeys jwks;

    private AuthHandler(JwtSettings settings, TokenVerifier verifier, JwksKeys jwks) {
        this.skipPaths = settings.skipPaths;
        this.verifier = verifier;
        this.jwks = jwks;
    }

    /** A worker's handler; its JWKS (if any) is fetched in the background from now on. */
    public static AuthHandler create(Vertx vertx, JwtSettings settings) {
        PublicKey staticKey = settings.publicKey;
        JwksKeys jwks = settings.jwksUrl == null || staticKey != null ? null : new JwksKeys(vertx, settings);
        return new AuthHandler(settings, new TokenVerifier(settings, staticKey, jwks), jwks);
    }

    public Future<Void> start() {
        return jwks == null ? Future.succeededFuture() : jwks.start();
    }

    public void stop() {
        if (jwks != null) {
            jwks.stop();
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        AccessLevel level = AccessPolicy.levelOf(ctx.request().method(), path);
        if (level == AccessLevel.PUBLIC || skipped(path)) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            reject(ctx, 401, "Authentication required");
            return;
        }
        Future<Identity> checked = verifier.verify(bearer(header));
        if (!checked.isComplete()) {
            // a key set fetch is running: hold the body until the body handler wants it
            ctx.request().pause();
        }
        checked.onComplete(ar -> {
            if (ar.failed()) {
                if (ar.cause() instanceof AuthFailure f) {
                    reject(ctx, f.status, f.getMessage());
                } else {
                    LOG.warn("Token check failed unexpectedly", ar.cause());
                    reject(ctx, 401, "Token verification failed");
                }
            } else if (!level.allows(ar.result().roles())) {
                reject(ctx, 403, "Insufficient permissions");
            } else {
                ar.result().attachTo(ctx);
                ctx.next();
            }
        });
    }

    /**
     * The identity of a request's bearer token, checked as for any route; for the public route
     * that tells the dashboard what its token allows. Fails with {@link AuthFailure} when the
     * token is missing or not accepted.
     */
    public Future<Identity> identify(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            return Future.failedFuture(new AuthFailure(401, "Authentication required"));
        }
        return verifier.verify(bearer(header));
    }

    private static String bearer(String header) {
        return header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : header.trim();
    }

    /** JWT_SKIP_PATHS: an exact path, or a prefix when the entry ends in / (and is not just /). */
    private boolean skipped(String path) {
        for (String skip : skipPaths) {
            if (path.equals(skip) || (skip.length() > 1 && skip.endsWith("/") && path.startsWith(skip))) {
                return true;
            }
        }
        return false;
    }

    private static void reject(RoutingContext ctx, int status, String message) {
        LOG.debug("{} {} -> {} {}", ctx.request().method(), ctx.request().path(), status, message);
        if (ctx.response().ended()) {
            return;
        }
        ctx.request().resume(); // the body of a rejected request is read and dropped
        if (status == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        Responses.error(ctx, status, message);
    }
}
