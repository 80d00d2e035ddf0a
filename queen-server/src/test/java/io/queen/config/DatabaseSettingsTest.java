package io.queen.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where PostgreSQL is and how to reach it: host lists, TLS, the pooler mode and their refusals. */
class DatabaseSettingsTest {

    private static DatabaseSettings settings(String... pairs) {
        return new DatabaseSettings(new Env(Pairs.env(pairs)));
    }

    private static String refusal(String... pairs) {
        return assertThrows(ConfigException.class, () -> settings(pairs), String.join(" ", pairs)).getMessage();
    }

    @Test
    void withoutAHostTheDatabaseIsEmbedded() {
        DatabaseSettings d = settings();
        assertTrue(d.embedded());
        assertEquals(List.of(), d.hosts);
        assertEquals("postgres", d.database);
        assertEquals("postgres", d.user);
        assertEquals("postgres", d.password);
        assertEquals(DatabaseSettings.Tls.OFF, d.tls);
        assertNull(d.sslRootCert);
        assertFalse(d.transactionPooler);
        assertNull(d.direct);
        assertSame(d, d.forSessions());
    }

    @Test
    void hostsWithAndWithoutPorts() {
        assertEquals("[db:5432]", settings("PG_HOST", "db").hosts.toString());
        assertEquals("[db:6000]", settings("PG_HOST", "db", "PG_PORT", "6000").hosts.toString());
        assertEquals("[db1:5433, db2:7000, 10.0.0.3:5433]",
                settings("PG_HOST", " db1 ,db2:7000, 10.0.0.3", "PG_PORT", "5433").hosts.toString());
        // IPv6: bare, or in brackets with a port
        assertEquals(List.of(new DatabaseSettings.Address("::1", 5432),
                        new DatabaseSettings.Address("fe80::2", 6432), new DatabaseSettings.Address("::3", 5432)),
                settings("PG_HOST", "::1,[fe80::2]:6432,[::3]").hosts);
        DatabaseSettings named = settings("PG_HOST", "db", "PG_DB", "queen", "PG_USER", "app", "PG_PASSWORD", " pw ");
        assertEquals("queen", named.database);
        assertEquals("app", named.user);
        assertEquals("pw", named.password);
        assertFalse(named.embedded());
    }

    @Test
    void badHostListsAreRefused() {
        assertEquals("PG_HOST has an empty host in 'db1,,db2'", refusal("PG_HOST", "db1,,db2"));
        assertEquals("PG_HOST has an empty host in ',db1'", refusal("PG_HOST", ",db1"));
        // a trailing comma is an empty host like any other
        assertEquals("PG_HOST has an empty host in 'db1,'", refusal("PG_HOST", "db1, "));
        for (String entry : new String[]{"db:port", "db:0", "db:65536", "db:", "[::1]:x"}) {
            assertEquals("PG_HOST entry '" + entry + "' has no valid port (host or host:port, comma-separated)",
                    refusal("PG_HOST", "ok," + entry), entry);
        }
        assertEquals("PG_PORT must be between 1 and 65535, got 0", refusal("PG_HOST", "db", "PG_PORT", "0"));
    }

    @Test
    void tlsFollowsUseSslAndRejectUnauthorized() {
        assertEquals(DatabaseSettings.Tls.VERIFY, settings("PG_HOST", "db", "PG_USE_SSL", "true").tls);
        assertEquals(DatabaseSettings.Tls.ENCRYPT, settings("PG_HOST", "db", "PG_USE_SSL", "true",
                "PG_SSL_REJECT_UNAUTHORIZED", "false").tls);
        assertEquals(DatabaseSettings.Tls.OFF, settings("PG_HOST", "db", "PG_USE_SSL", "false").tls);
        assertEquals("PG_SSL_REJECT_UNAUTHORIZED is set but PG_USE_SSL is not true: set PG_USE_SSL=true to connect "
                + "with TLS", refusal("PG_HOST", "db", "PG_SSL_REJECT_UNAUTHORIZED", "true"));
        assertEquals("PG_USE_SSL needs PG_HOST: the embedded PostgreSQL is reached directly and without TLS",
                refusal("PG_USE_SSL", "true"));
    }

    @Test
    void theRootCertificateMustBeReadableAndChecked(@TempDir Path dir) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        DatabaseSettings d = settings("PG_HOST", "db", "PG_USE_SSL", "true", "PG_SSL_ROOT_CERT", ca.toString());
        assertEquals(ca, d.sslRootCert);
        assertEquals(DatabaseSettings.Tls.VERIFY, d.tls);
        Path missing = dir.resolve("missing.pem");
        assertEquals("PG_SSL_ROOT_CERT names a file that cannot be read: " + missing,
                refusal("PG_HOST", "db", "PG_USE_SSL", "true", "PG_SSL_ROOT_CERT", missing.toString()));
        assertTrue(refusal("PG_HOST", "db", "PG_USE_SSL", "true", "PG_SSL_REJECT_UNAUTHORIZED", "false",
                "PG_SSL_ROOT_CERT", ca.toString()).startsWith("PG_SSL_ROOT_CERT is set but PG_SSL_REJECT_UNAUTHORIZED=false"));
        assertTrue(refusal("PG_HOST", "db", "PG_SSL_ROOT_CERT", ca.toString())
                .startsWith("PG_SSL_ROOT_CERT is set but PG_USE_SSL is not true"));
    }

    @Test
    void thePoolerModeNeedsADirectHostAndNoSessionSettings() {
        DatabaseSettings pooled = settings("PG_HOST", "bouncer:6432", "PG_TRANSACTION_POOLER", "true",
                "PG_DIRECT_HOST", "db", "PG_PORT", "5433");
        assertTrue(pooled.transactionPooler);
        assertEquals(new DatabaseSettings.Address("db", 5433), pooled.direct);
        DatabaseSettings sessions = pooled.forSessions();
        assertEquals(List.of(pooled.direct), sessions.hosts);
        assertFalse(sessions.transactionPooler);
        assertEquals(pooled.user, sessions.user);

        assertTrue(refusal("PG_HOST", "bouncer", "PG_TRANSACTION_POOLER", "true")
                .startsWith("PG_TRANSACTION_POOLER=true needs PG_DIRECT_HOST"));
        assertTrue(refusal("PG_HOST", "db", "PG_DIRECT_HOST", "db2")
                .startsWith("PG_DIRECT_HOST is only used with PG_TRANSACTION_POOLER=true"));
        assertEquals("PG_TRANSACTION_POOLER needs PG_HOST: the embedded PostgreSQL is reached directly and without TLS",
                refusal("PG_TRANSACTION_POOLER", "true", "PG_DIRECT_HOST", "db"));
        assertEquals("PG_DIRECT_HOST entry 'db:x' has no valid port (host or host:port, comma-separated)",
                refusal("PG_HOST", "bouncer", "PG_TRANSACTION_POOLER", "true", "PG_DIRECT_HOST", "db:x"));
        for (String name : new String[]{"DB_STATEMENT_TIMEOUT", "DB_LOCK_TIMEOUT", "DB_IDLE_TIMEOUT"}) {
            String message = refusal("PG_HOST", "bouncer", "PG_TRANSACTION_POOLER", "true", "PG_DIRECT_HOST", "db",
                    "PG_USER", "queen", name, "1000");
            assertTrue(message.startsWith(name + " cannot be applied through a transaction pooler"), message);
            assertTrue(message.contains("ALTER ROLE queen SET"), message);
        }
    }

    @Test
    void atPointsTheSameSettingsElsewhere() {
        DatabaseSettings d = settings("PG_USER", "app", "DB_LOCK_TIMEOUT", "1234");
        DatabaseSettings moved = d.at(List.of(new DatabaseSettings.Address("127.0.0.1", 40000)));
        assertEquals("[127.0.0.1:40000]", moved.hosts.toString());
        assertFalse(moved.embedded());
        assertEquals("app", moved.user);
        assertEquals(1234, moved.lockTimeoutMs);
        assertTrue(d.embedded(), "the original is unchanged");
    }

    @Test
    void describeSaysWhereAsWhomAndHow() {
        assertEquals("PostgreSQL at db:5432/postgres as postgres, TLS off", settings("PG_HOST", "db").describe());
        assertEquals("PostgreSQL primary among [a:5432, b:5433]/q as u, TLS on (certificate verified)",
                settings("PG_HOST", "a,b:5433", "PG_DB", "q", "PG_USER", "u", "PG_USE_SSL", "true").describe());
        assertEquals("PostgreSQL at b:6432/postgres as postgres, TLS on (certificate not verified), through a "
                        + "transaction pooler (LISTEN and jobs direct to db:5432)",
                settings("PG_HOST", "b:6432", "PG_USE_SSL", "yes", "PG_SSL_REJECT_UNAUTHORIZED", "no",
                        "PG_TRANSACTION_POOLER", "1", "PG_DIRECT_HOST", "db").describe());
        assertFalse(settings("PG_HOST", "db", "PG_PASSWORD", "hunter2").describe().contains("hunter2"));
    }
}
