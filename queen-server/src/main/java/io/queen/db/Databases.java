package io.queen.db;

import io.queen.config.DatabaseSettings;
import io.queen.config.DatabaseSettings.Address;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import javax.net.ssl.TrustManagerFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Connection settings and pool creation; each worker builds its own pools from these. */
public final class Databases {
    private Databases() {
    }

    /** How to reach one of the configured servers: database, credentials, session settings, TLS. */
    public static PgConnectOptions connectOptions(DatabaseSettings db, Address at) {
        Map<String, String> session = new HashMap<>();
        session.put("application_name", "queen-jvm");
        if (!db.transactionPooler) {
            // PgBouncer refuses startup parameters it does not know; behind it these come from
            // the role or database (README, "PgBouncer")
            session.put("client_min_messages", "warning");
            session.put("statement_timeout", Integer.toString(db.statementTimeoutMs));
            session.put("lock_timeout", Integer.toString(db.lockTimeoutMs));
            session.put("idle_in_transaction_session_timeout", Integer.toString(db.idleInTransactionTimeoutMs));
            // PostgreSQL's side of the socket: a server that vanished stops holding locks soon
            session.put("tcp_keepalives_idle", Integer.toString(db.keepalivesIdleSeconds));
            session.put("tcp_keepalives_interval", Integer.toString(db.keepalivesIntervalSeconds));
            session.put("tcp_keepalives_count", Integer.toString(db.keepalivesCount));
            session.put("tcp_user_timeout", Integer.toString(db.tcpUserTimeoutMs));
        }
        PgConnectOptions options = new PgConnectOptions()
                .setHost(at.host())
                .setPort(at.port())
                .setDatabase(db.database)
                .setUser(db.user)
                .setPassword(db.password)
                // a pooler in transaction mode hands each transaction to any server connection,
                // where a statement prepared on another one does not exist
                .setCachePreparedStatements(!db.transactionPooler)
                .setUseLayer7Proxy(db.transactionPooler)
                .setPreparedStatementCacheMaxSize(64)
                .setReconnectAttempts(0)
                .setProperties(session);
        switch (db.tls) {
            case OFF -> options.setSslMode(SslMode.DISABLE);
            case ENCRYPT -> options.setSslMode(SslMode.REQUIRE).setSslOptions(new ClientSSLOptions().setTrustAll(true));
            case VERIFY -> options.setSslMode(SslMode.VERIFY_FULL).setSslOptions(new ClientSSLOptions()
                    .setHostnameVerificationAlgorithm("HTTPS")
                    .setTrustOptions(db.sslRootCert != null
                            ? new PemTrustOptions().addCertPath(db.sslRootCert.toString())
                            : jdkTrustStore()));
        }
        return options;
    }

    /** The JDK's own CA certificates, as a browser or libpq's sslrootcert=system would use. */
    private static TrustOptions jdkTrustStore() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return TrustOptions.wrap(factory);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK's trust store cannot be read", e);
        }
    }

    /**
     * Why the first connection failed, for the start-up error: the causes in order and, for a
     * TLS failure, what the settings asked for.
     */
    public static String explainConnectFailure(DatabaseSettings db, Throwable error) {
        StringBuilder causes = new StringBuilder();
        boolean tls = false;
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.util.concurrent.ExecutionException) {
                continue;
            }
            String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (causes.indexOf(text) < 0) {
                causes.append(causes.length() == 0 ? "" : ": ").append(text);
            }
            // the client reports a refused certificate as "SSL handshake failed", without a cause
            tls |= t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException
                    || text.contains("SSL handshake");
        }
        String hint = !tls ? "" : db.tls == DatabaseSettings.Tls.VERIFY
                ? " (TLS: the server's certificate must chain to " + (db.sslRootCert != null ? "PG_SSL_ROOT_CERT"
                : "a CA the JDK trusts; set PG_SSL_ROOT_CERT to your CA's PEM file") + " and name the host in PG_HOST; "
                + "PG_SSL_REJECT_UNAUTHORIZED=false encrypts without checking it)"
                : " (TLS handshake failed)";
        return "Cannot connect to " + db.hosts + ": " + causes + hint;
    }

    /** Socket options for every database connection (keepalive: {@link SocketTuning}). */
    static NetClientOptions netOptions(DatabaseSettings db) {
        return new NetClientOptions().setConnectTimeout(db.connectTimeoutMs).setTcpNoDelay(true);
    }

    public static Pool pool(Vertx vertx, DatabaseSettings db, int size, String name) {
        PoolOptions options = new PoolOptions()
                .setMaxSize(size)
                .setName(name)
                // a request waits for a connection at most this long, then fails (503); opening
                // a new connection may take its own timeout on top
                .setConnectionTimeout(db.acquireTimeoutMs + db.connectTimeoutMs)
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWaitQueueSize(db.maxWaiting)
                .setIdleTimeout(db.poolIdleMs)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        var builder = PgBuilder.pool().with(options).with(netOptions(db)).using(vertx)
                .withConnectHandler(conn -> {
                    SocketTuning.apply(conn, db);
                    conn.close(); // hands it to the pool
                });
        if (db.hosts.size() == 1) {
            return builder.connectingTo(connectOptions(db, db.hosts.get(0))).build();
        }
        // connections opened before a switch-over may sit on a server that has become a
        // standby; a bounded life moves them to the new primary
        options.setMaxLifetime(DatabaseSettings.SEVERAL_HOSTS_CONNECTION_LIFETIME_S).setMaxLifetimeUnit(TimeUnit.SECONDS);
        return builder.connectingTo(new PrimaryLocator(vertx, db)).build();
    }

    /**
     * One connection outside any pool (LISTEN), with a session of its own: to PG_DIRECT_HOST when
     * a pooler is in the way, otherwise to the primary.
     */
    public static Future<PgConnection> connectDirect(Vertx vertx, DatabaseSettings settings) {
        DatabaseSettings db = settings.forSessions();
        Future<PgConnectOptions> target = db.hosts.size() == 1
                ? Future.succeededFuture(connectOptions(db, db.hosts.get(0)))
                : new PrimaryLocator(vertx, db).get().map(o -> (PgConnectOptions) o);
        return target.compose(options -> PgConnection.connect(vertx, options)
                .timeout(db.connectTimeoutMs + 1000L, TimeUnit.MILLISECONDS))
                .andThen(connected -> {
                    if (connected.succeeded()) {
                        SocketTuning.apply(connected.result(), db);
                    }
                });
    }
}
