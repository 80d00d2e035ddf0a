package io.queen.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import io.queen.config.JwtSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.MalformedURLException;
import java.util.List;

/**
 * The key set behind JWT_JWKS_URL. Requests read the last fetched set on the event loop; every
 * fetch runs on a worker thread through nimbus's key source, which caches the set, refreshes it
 * when it is older than JWT_JWKS_REFRESH_INTERVAL, rate-limits fetches caused by unknown key ids
 * and keeps serving the last good set while the endpoint is down.
 */
final class JwksKeys {
    private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
    /** How long the last good set is used while the endpoint keeps failing. */
    private static final long OUTAGE_TOLERANCE_MS = 24L * 3600 * 1000;
    private static final int MAX_JWKS_BYTES = 512 * 1024;

    private final Vertx vertx;
    private final JwtSettings settings;
    private final JWKSource<SecurityContext> source;
    /** Read on the event loop, replaced only there (after a fetch completes). */
    private List<JWK> keys = List.of();
    private Future<Void> fetching;
    private long timer = -1;

    JwksKeys(Vertx vertx, JwtSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
        DefaultResourceRetriever http = new DefaultResourceRetriever(settings.jwksTimeoutMs, settings.jwksTimeoutMs,
                MAX_JWKS_BYTES);
        long ttl = settings.jwksRefreshSeconds * 1000L;
        JWKSourceBuilder<SecurityContext> builder;
        try {
            builder = JWKSourceBuilder.create(settings.jwksUrl.toURL(), http);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWT_JWKS_URL", e);
        }
        builder.cache(ttl, settings.jwksTimeoutMs)
                .refreshAheadCache(false)
                .retrying(true)
                .outageTolerant(OUTAGE_TOLERANCE_MS);
        if (settings.jwksMinRefreshMs > 0) {
            builder.rateLimited(settings.jwksMinRefreshMs);
        } else {
            builder.rateLimited(false);
        }
        this.source = builder.build();
    }

    /** Fetches the set now (a failure is logged: tokens then wait for a later fetch) and every refresh interval. */
    Future<Void> start() {
        timer = vertx.setPeriodic(settings.jwksRefreshSeconds * 1000L, id -> fetch(null));
        return fetch(null).recover(e -> Future.succeededFuture());
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    List<JWK> current() {
        return keys;
    }

    /**
     * Asks the source for the key with this id (null: any key), which fetches the set again
     * when the cached one lacks it and the rate limit allows. Concurrent callers share one fetch.
     */
    Future<Void> fetch(String kid) {
        if (fetching != null) {
            return fetching;
        }
        JWKSelector wanted = new JWKSelector(kid == null ? new JWKMatcher.Builder().build()
                : new JWKMatcher.Builder().keyID(kid).build());
        JWKSelector all = new JWKSelector(new JWKMatcher.Builder().build());
        Future<Void> f = vertx.<List<JWK>>executeBlocking(() -> {
            source.get(wanted, null);
            return source.get(all, null);
        }, false).map(found -> {
            if (!found.isEmpty() && !found.equals(keys)) {
                LOG.info("JWKS from {}: {} key(s) {}", settings.jwksUrl, found.size(),
                        found.stream().map(k -> String.valueOf(k.getKeyID())).toList());
            }
            keys = found.isEmpty() ? keys : List.copyOf(found);
            return (Void) null;
        }).onFailure(e -> LOG.warn("JWKS fetch from {} failed: {}", settings.jwksUrl, describe(e)));
        fetching = f;
        f.onComplete(ar -> fetching = null);
        return f;
    }

    private static String describe(Throwable e) {
        String kind = e instanceof KeySourceException ? "key source" : e.getClass().getSimpleName();
        return kind + ": " + e.getMessage();
    }
}
