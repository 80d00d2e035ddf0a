package io.queen.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where PostgreSQL is and how to talk to it, with the reference's variable names. Several hosts
 * in {@code PG_HOST} ("db1,db2:5433") mean a primary and its standbys: the server connects to
 * whichever of them accepts writes, like libpq's {@code target_session_attrs=read-write}.
 */
public final class DatabaseSettings {
    /** One PostgreSQL server. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** PG_USE_SSL and PG_SSL_REJECT_UNAUTHORIZED together. */
    public enum Tls {
        OFF,
        /** Encrypted, the server's certificate is not checked (self-signed certificates work). */
        ENCRYPT,
        /** Encrypted, the certificate must chain to a trusted CA and name the host. */
        VERIFY
    }

    /** Empty when no PG_HOST is set: the server then runs its own embedded PostgreSQL. */
    public final List<Address> hosts;
    public final String database;
    public final String user;
    public final String password;
    public final Tls tls;
    /** PG_SSL_ROOT_CERT: PEM file of the CA that signed the server's certificate, or null (JDK trust store). */
    public final Path sslRootCert;
    public final int connectTimeoutMs;
    public final int statementTimeoutMs;
    public final int lockTimeoutMs;
    public final int idleInTransactionTimeoutMs;
    public final int tcpUserTimeoutMs;
    public final int keepalivesIdleSeconds;
    public final int keepalivesIntervalSeconds;
    public final int keepalivesCount;
    /**
     * QUEEN_DB_ACQUIRE_TIMEOUT_MS: how long a request waits for a busy pool to free a connection
     * before it fails (503); when the pool opens a new one, DB_CONNECTION_TIMEOUT comes on top.
     */
    public final int acquireTimeoutMs;
    /** QUEEN_DB_MAX_WAITING: requests that may wait for a connection of one pool; more fail at once. */
    public final int maxWaiting;
    /** QUEEN_DB_POOL_IDLE_MS: a pooled connection unused this long is closed. */
    public final int poolIdleMs;
    /**
     * With several hosts, connections opened before a switch-over may sit on a server that has
     * become a standby: they are replaced after this long.
     */
    public static final int SEVERAL_HOSTS_CONNECTION_LIFETIME_S = 60;
    /**
     * PG_TRANSACTION_POOLER: connections go through a pooler in transaction mode (PgBouncer):
     * no client-side prepared statement cache and no session settings; what needs a session of
     * its own (LISTEN, the jobs' advisory lock) goes to PG_DIRECT_HOST.
     */
    public final boolean transactionPooler;
    /** PG_DIRECT_HOST[:port]: PostgreSQL itself, bypassing the pooler, for LISTEN and jobs; or null. */
    public final Address direct;

    DatabaseSettings(Env env) {
        int defaultPort = env.integer("PG_PORT", 5432, 1, 65535);
        hosts = env.has("PG_HOST") ? addresses("PG_HOST", env.string("PG_HOST", ""), defaultPort) : List.of();
        database = env.string("PG_DB", "postgres");
        user = env.string("PG_USER", "postgres");
        password = env.string("PG_PASSWORD", "postgres");
        boolean ssl = env.bool("PG_USE_SSL", false);
        boolean verify = env.bool("PG_SSL_REJECT_UNAUTHORIZED", true);
        if (!ssl && (env.has("PG_SSL_REJECT_UNAUTHORIZED") || env.has("PG_SSL_ROOT_CERT"))) {
            throw new ConfigException((env.has("PG_SSL_ROOT_CERT") ? "PG_SSL_ROOT_CERT" : "PG_SSL_REJECT_UNAUTHORIZED")
                    + " is set but PG_USE_SSL is not true: set PG_USE_SSL=true to connect with TLS");
        }
        tls = !ssl ? Tls.OFF : verify ? Tls.VERIFY : Tls.ENCRYPT;
        sslRootCert = env.has("PG_SSL_ROOT_CERT") ? Path.of(env.string("PG_SSL_ROOT_CERT", null)) : null;
        if (sslRootCert != null && !Files.isReadable(sslRootCert)) {
            throw new ConfigException("PG_SSL_ROOT_CERT names a file that cannot be read: " + sslRootCert);
        }
        if (sslRootCert != null && tls != Tls.VERIFY) {
            throw new ConfigException("PG_SSL_ROOT_CERT is set but PG_SSL_REJECT_UNAUTHORIZED=false turns "
                    + "certificate checks off: unset one of them");
        }
        connectTimeoutMs = env.integer("DB_CONNECTION_TIMEOUT", 2000, 100, 600_000);
        statementTimeoutMs = env.integer("DB_STATEMENT_TIMEOUT", 30_000, 0, 86_400_000);
        lockTimeoutMs = env.integer("DB_LOCK_TIMEOUT", 10_000, 0, 86_400_000);
        idleInTransactionTimeoutMs = env.integer("DB_IDLE_TIMEOUT", 30_000, 0, 86_400_000);
        tcpUserTimeoutMs = env.integer("DB_TCP_USER_TIMEOUT_MS", 30_000, 0, 86_400_000);
        keepalivesIdleSeconds = env.integer("DB_KEEPALIVES_IDLE", 60, 1, 86_400);
        keepalivesIntervalSeconds = env.integer("DB_KEEPALIVES_INTERVAL", 10, 1, 86_400);
        keepalivesCount = env.integer("DB_KEEPALIVES_COUNT", 3, 1, 1000);
        acquireTimeoutMs = env.integer("QUEEN_DB_ACQUIRE_TIMEOUT_MS", 10_000, 1, 600_000);
        maxWaiting = env.integer("QUEEN_DB_MAX_WAITING", 10_000, 1, 1_000_000);
        poolIdleMs = env.integer("QUEEN_DB_POOL_IDLE_MS", 60_000, 1000, 86_400_000);
        transactionPooler = env.bool("PG_TRANSACTION_POOLER", false);
        direct = env.has("PG_DIRECT_HOST")
                ? addresses("PG_DIRECT_HOST", env.string("PG_DIRECT_HOST", ""), defaultPort).get(0) : null;
        if (transactionPooler && direct == null) {
            throw new ConfigException("PG_TRANSACTION_POOLER=true needs PG_DIRECT_HOST (PostgreSQL itself, host:port): "
                    + "LISTEN and the maintenance jobs' advisory lock need a session of their own, which a pooler "
                    + "in transaction mode does not keep");
        }
        for (String name : new String[]{"DB_STATEMENT_TIMEOUT", "DB_LOCK_TIMEOUT", "DB_IDLE_TIMEOUT"}) {
            if (transactionPooler && env.has(name)) {
                // a pooler in transaction mode passes no session settings on to PostgreSQL
                throw new ConfigException(name + " cannot be applied through a transaction pooler: set it on the "
                        + "database role instead (ALTER ROLE " + user + " SET statement_timeout / lock_timeout / "
                        + "idle_in_transaction_session_timeout = ...) and unset it here");
            }
        }
        if (direct != null && !transactionPooler) {
            throw new ConfigException("PG_DIRECT_HOST is only used with PG_TRANSACTION_POOLER=true (it is where "
                    + "LISTEN goes around the pooler): unset it, or set PG_TRANSACTION_POOLER=true");
        }
        if (hosts.isEmpty() && (transactionPooler || tls != Tls.OFF)) {
            throw new ConfigException((transactionPooler ? "PG_TRANSACTION_POOLER" : "PG_USE_SSL")
                    + " needs PG_HOST: the embedded PostgreSQL is reached directly and without TLS");
        }
    }

    /** "a,b:5433" with the default port where none is given; PG_PORT may also list one port per host. */
    private static List<Address> addresses(String variable, String value, int defaultPort) {
        List<Address> result = new ArrayList<>();
        for (String part : value.split(",", -1)) { // -1: "db1," is an empty host too
            String entry = part.trim();
            if (entry.isEmpty()) {
                throw new ConfigException(variable + " has an empty host in '" + value + "'");
            }
            int colon = entry.lastIndexOf(':');
            // IPv6 addresses with a port are written in brackets: [::1]:5432
            if (colon < 0 || entry.startsWith("[") && !entry.contains("]:") || !entry.startsWith("[")
                    && entry.indexOf(':') != colon) {
                result.add(new Address(entry.replace("[", "").replace("]", ""), defaultPort));
                continue;
            }
            String host = entry.substring(0, colon).replace("[", "").replace("]", "");
            String port = entry.substring(colon + 1);
            try {
                int p = Integer.parseInt(port);
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
                result.add(new Address(host, p));
            } catch (NumberFormatException e) {
                throw new ConfigException(variable + " entry '" + entry + "' has no valid port (host or host:port, "
                        + "comma-separated)");
            }
        }
        return List.copyOf(result);
    }

    public boolean embedded() {
        return hosts.isEmpty();
    }

    /** The same settings pointing at other servers (the embedded database's address, found at start). */
    public DatabaseSettings at(List<Address> addresses) {
        return new DatabaseSettings(this, addresses, transactionPooler);
    }

    /**
     * Where connections that need a session of their own go (migrations, LISTEN, the jobs'
     * advisory lock): PG_DIRECT_HOST around a transaction pooler, otherwise the same servers.
     */
    public DatabaseSettings forSessions() {
        return transactionPooler ? new DatabaseSettings(this, List.of(direct), false) : this;
    }

    private DatabaseSettings(DatabaseSettings from, List<Address> addresses, boolean transactionPooler) {
        hosts = List.copyOf(addresses);
        database = from.database;
        user = from.user;
        password = from.password;
        tls = from.tls;
        sslRootCert = from.sslRootCert;
        connectTimeoutMs = from.connectTimeoutMs;
        statementTimeoutMs = from.statementTimeoutMs;
        lockTimeoutMs = from.lockTimeoutMs;
        idleInTransactionTimeoutMs = from.idleInTransactionTimeoutMs;
        tcpUserTimeoutMs = from.tcpUserTimeoutMs;
        keepalivesIdleSeconds = from.keepalivesIdleSeconds;
        keepalivesIntervalSeconds = from.keepalivesIntervalSeconds;
        keepalivesCount = from.keepalivesCount;
        acquireTimeoutMs = from.acquireTimeoutMs;
        maxWaiting = from.maxWaiting;
        poolIdleMs = from.poolIdleMs;
        this.transactionPooler = transactionPooler;
        direct = from.direct;
    }

    /** For the start-up log: where, as whom, how. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(hosts.size() == 1 ? "PostgreSQL at " : "PostgreSQL primary among ").append(hosts.size() == 1
                ? hosts.get(0).toString() : hosts.toString()).append('/').append(database).append(" as ").append(user);
        s.append(", TLS ").append(switch (tls) {
            case OFF -> "off";
            case ENCRYPT -> "on (certificate not verified)";
            case VERIFY -> "on (certificate verified)";
        });
        if (transactionPooler) {
            s.append(", through a transaction pooler (LISTEN and jobs direct to ").append(direct).append(')');
        }
        return s.toString();
    }
}
