package io.queen.db;

import io.queen.config.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Tells a pool which of several PostgreSQL servers to open its next connection to: the one
 * that accepts writes (libpq's {@code target_session_attrs=read-write}). After a standby is
 * promoted, the old primary refuses connections or turns read-only, and the next connection
 * goes to the new one. Each new connection re-checks at most once a second, so a switch-over is
 * noticed within that second, while a pool that opens many connections at once asks only once.
 */
final class PrimaryLocator implements Supplier<Future<SqlConnectOptions>> {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryLocator.class);
    private static final long TRUST_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The primary last announced in the log, shared by every pool of the process: one line per change. */
    private static final AtomicReference<String> ANNOUNCED = new AtomicReference<>();

    private final Vertx vertx;
    private final DatabaseSettings db;
    private final List<PgConnectOptions> servers = new ArrayList<>();
    private int primary = -1;
    private long foundAt;
    private Future<SqlConnectOptions> search;

    PrimaryLocator(Vertx vertx, DatabaseSettings db) {
        this.vertx = vertx;
        this.db = db;
        for (DatabaseSettings.Address address : db.hosts) {
            servers.add(Databases.connectOptions(db, address));
        }
    }

    @Override
    public synchronized Future<SqlConnectOptions> get() {
        if (primary >= 0 && System.nanoTime() - foundAt < TRUST_NANOS) {
            return Future.succeededFuture(servers.get(primary));
        }
        if (search == null) {
            Future<SqlConnectOptions> started = find();
            search = started;
            started.onComplete(done -> {
                synchronized (this) {
                    search = null;
                }
            });
        }
        return search;
    }

    /** Asks every server at once; the first writable one in PG_HOST's order wins. */
    private Future<SqlConnectOptions> find() {
        List<Future<Boolean>> answers = new ArrayList<>();
        for (PgConnectOptions server : servers) {
            answers.add(isWritable(server));
        }
        return Future.join(answers).transform(ignored -> {
            List<String> reasons = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                Future<Boolean> answer = answers.get(i);
                if (answer.succeeded() && answer.result()) {
                    found(i);
                    return Future.succeededFuture(servers.get(i));
                }
                reasons.add(db.hosts.get(i) + " " + (answer.succeeded() ? "is read-only (a standby)"
                        : "unreachable (" + answer.cause().getMessage() + ")"));
            }
            synchronized (this) {
                primary = -1;
            }
            return Future.failedFuture(new NoPrimaryException("No PostgreSQL server accepts writes: "
                    + String.join("; ", reasons)));
        });
    }

    private synchronized void found(int index) {
        primary = index;
        foundAt = System.nanoTime();
        String address = db.hosts.get(index).toString();
        String before = ANNOUNCED.getAndSet(address);
        if (!address.equals(before)) {
            LOG.info(before == null ? "PostgreSQL primary: {}" : "PostgreSQL primary is now {} (was {})",
                    address, before);
        }
    }

    /** One short-lived connection asking {@code SHOW transaction_read_only}, as libpq does. */
    private Future<Boolean> isWritable(PgConnectOptions server) {
        Pool probe = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1).setName("primary-probe"))
                .with(Databases.netOptions(db))
                .connectingTo(server)
                .using(vertx)
                .build();
        return probe.query("SHOW transaction_read_only").execute()
                .timeout(db.connectTimeoutMs + 2000L, TimeUnit.MILLISECONDS)
                .map(rows -> "off".equals(rows.iterator().next().getString(0)))
                .eventually(probe::close);
    }

    /** No configured server can take writes right now: treated like a database outage. */
    static final class NoPrimaryException extends IOException {
        NoPrimaryException(String message) {
            super(message);
        }
    }
}
