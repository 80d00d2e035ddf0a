package io.queen.db;

import io.queen.config.QueenConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.Map;

/** Connection settings and pool creation; each worker builds its own pools from these. */
public final class Databases {
    private Databases() {
    }

    public static PgConnectOptions connectOptions(QueenConfig config, String host, int port) {
        PgConnectOptions options = new PgConnectOptions()
                .setHost(host)
                .setPort(port)
                .setDatabase(config.pgDatabase)
                .setUser(config.pgUser)
                .setPassword(config.pgPassword)
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(64)
                .setReconnectAttempts(0)
                .setProperties(Map.of(
                        "application_name", "queen-jvm",
                        "client_min_messages", "warning",
                        "statement_timeout", Integer.toString(config.statementTimeoutMs),
                        "lock_timeout", Integer.toString(config.lockTimeoutMs),
                        "idle_in_transaction_session_timeout", Integer.toString(config.idleInTransactionTimeoutMs)));
        if (config.pgSsl) {
            options.setSslMode(SslMode.REQUIRE);
        }
        return options;
    }

    public static Pool pool(Vertx vertx, PgConnectOptions connect, int connectTimeoutMs, int size, String name) {
        PoolOptions options = new PoolOptions()
                .setMaxSize(size)
                .setName(name)
                // a request waits for a connection at most this long, then fails (503)
                .setConnectionTimeout(10)
                .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS)
                .setMaxWaitQueueSize(10_000)
                .setIdleTimeout(60)
                .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
        return PgBuilder.pool()
                .with(options)
                .with(new NetClientOptions().setConnectTimeout(connectTimeoutMs).setTcpNoDelay(true))
                .connectingTo(connect)
                .using(vertx)
                .build();
    }
}
