package io.queen;

import io.queen.config.ConfigException;
import io.queen.config.DatabaseSettings;
import io.queen.config.QueenConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    @Test
    void invalidValuesNameTheVariable() {
        for (String name : new String[]{"PORT", "QUEEN_THREADS", "DB_POOL_SIZE_PER_THREAD", "DB_POOL_SIZE",
                "SIDECAR_POOL_SIZE", "DEFAULT_TIMEOUT"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of(name, "lots")));
            assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
        }
        ConfigException range = assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("PORT", "70000")));
        assertTrue(range.getMessage().contains("PORT"));
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("QUEEN_THREADS", "0")));
        ConfigException deadline = assertThrows(ConfigException.class,
                () -> QueenConfig.from(Map.of("QUEEN_PUSH_DB_TIMEOUT_MS", "soon")));
        assertTrue(deadline.getMessage().startsWith("QUEEN_PUSH_DB_TIMEOUT_MS "), deadline.getMessage());
        // the push deadline follows the statement timeout, so that only silence ever reaches it
        assertEquals(35_000, QueenConfig.from(Map.of()).pushDbTimeoutMs);
        assertEquals(65_000, QueenConfig.from(Map.of("DB_STATEMENT_TIMEOUT", "60000")).pushDbTimeoutMs);
    }

    @Test
    void securitySettingsThatCannotWorkStopTheStart() {
        String secret = "x".repeat(32);
        String[][] refused = {
                {"JWT_SECRET", "JWT_ENABLED", "true", "JWT_ALGORITHM", "HS256", "JWT_SECRET", "s3cret"},
                {"JWT_ENABLED", "JWT_ENABLED", "true", "JWT_ALGORITHM", "HS256"},
                {"JWT_ENABLED", "JWT_ENABLED", "true", "JWT_ALGORITHM", "RS256", "JWT_SECRET", secret},
                {"JWT_ENABLED", "JWT_ENABLED", "true", "JWT_ALGORITHM", "auto"},
                {"JWT_ALGORITHM", "JWT_ENABLED", "true", "JWT_ALGORITHM", "none", "JWT_SECRET", secret},
                {"JWT_PUBLIC_KEY", "JWT_ENABLED", "true", "JWT_ALGORITHM", "RS256", "JWT_PUBLIC_KEY",
                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"},
                {"JWT_PUBLIC_KEY", "JWT_ENABLED", "true", "JWT_ALGORITHM", "RS256", "JWT_PUBLIC_KEY", "/no/such/key.pem"},
                {"JWT_JWKS_URL", "JWT_ENABLED", "true", "JWT_ALGORITHM", "EdDSA", "JWT_JWKS_URL", "ftp://keys"},
                {"JWT_SKIP_PATHS", "JWT_ENABLED", "true", "JWT_SECRET", secret, "JWT_SKIP_PATHS", "health"},
                {"JWT_CLOCK_SKEW", "JWT_ENABLED", "true", "JWT_SECRET", secret, "JWT_CLOCK_SKEW", "soon"},
                {"QUEEN_ENCRYPTION_KEY", "QUEEN_ENCRYPTION_KEY", "00".repeat(31)},
                {"QUEEN_ENCRYPTION_KEY", "QUEEN_ENCRYPTION_KEY", "zz".repeat(32)},
                {"CORS_ALLOWED_ORIGINS", "CORS_ALLOWED_ORIGINS", "app.example.com"},
                {"DB_KEEPALIVES_IDLE", "DB_KEEPALIVES_IDLE", "0"},
                {"PG_SSL_REJECT_UNAUTHORIZED", "PG_SSL_REJECT_UNAUTHORIZED", "false"},
                {"PG_SSL_ROOT_CERT", "PG_HOST", "db", "PG_USE_SSL", "true", "PG_SSL_ROOT_CERT", "/no/such/ca.pem"},
                {"PG_USE_SSL", "PG_USE_SSL", "true"},
                {"PG_TRANSACTION_POOLER", "PG_TRANSACTION_POOLER", "true"},
                {"PG_TRANSACTION_POOLER", "PG_HOST", "bouncer", "PG_TRANSACTION_POOLER", "true"},
                {"PG_HOST", "PG_HOST", "db1,db2:port"},
                {"PG_HOST", "PG_HOST", "db1,,db2"},
                {"PG_DIRECT_HOST", "PG_HOST", "bouncer", "PG_DIRECT_HOST", "db"},
                {"DB_LOCK_TIMEOUT", "DB_LOCK_TIMEOUT", "soon"},
        };
        for (String[] c : refused) {
            Map<String, String> env = new java.util.HashMap<>();
            for (int i = 1; i < c.length; i += 2) {
                env.put(c[i], c[i + 1]);
            }
            ConfigException e = assertThrows(ConfigException.class, () -> QueenConfig.from(env), env.toString());
            assertTrue(e.getMessage().startsWith(c[0]), env + ": " + e.getMessage());
        }
        assertTrue(QueenConfig.from(Map.of("JWT_ENABLED", "true", "JWT_SECRET", secret)).jwt.enabled);
        // the reference's engine knobs start, and are named as having no effect
        QueenConfig reference = QueenConfig.from(Map.of("QUEEN_VEGAS_ALPHA", "3", "QUEEN_POP_MAX_HOLD_MS", "5",
                "QUEEN_PUSH_MAX_CONCURRENT", "4", "QUEEN_UDP_PEERS", "a:6633"));
        assertEquals(3, reference.noEffectSettings.size(), reference.noEffectSettings.toString());
        assertTrue(reference.noEffectSettings.get(0).startsWith("QUEEN_VEGAS_ALPHA ("), reference.noEffectSettings.toString());
        assertEquals(4, reference.pushMaxInFlight);
        // switched off explicitly: nothing is promised, nothing refused
        assertEquals(6632, QueenConfig.from(Map.of("JWT_ENABLED", "false")).port);
    }

    @Test
    void poolSizesFollowTheReferenceSettingsWithoutExceedingThem() {
        QueenConfig defaults = QueenConfig.from(Map.of("QUEEN_THREADS", "4"));
        assertArrayEquals(new int[]{5, 5, 5, 5}, defaults.hotPoolSizes);
        assertTrue(defaults.embeddedDatabase());

        QueenConfig reference = QueenConfig.from(Map.of("NUM_WORKERS", "3", "SIDECAR_POOL_SIZE", "10",
                "DB_POOL_SIZE", "20", "PG_HOST", "db.example"));
        assertEquals(3, reference.workers);
        assertArrayEquals(new int[]{4, 3, 3}, reference.hotPoolSizes);
        assertEquals(10, reference.totalHotConnections());
        // the reference opens 95 % of DB_POOL_SIZE: 19, the jobs, file-buffer and LISTEN connections included
        assertEquals(19, reference.totalBackgroundConnections());
        assertEquals(16, java.util.Arrays.stream(reference.backgroundPoolSizes).sum());
        assertEquals("[db.example:5432]", reference.db.hosts.toString());

        QueenConfig tiny = QueenConfig.from(Map.of("QUEEN_THREADS", "4", "DB_POOL_SIZE", "3"));
        assertEquals(2, tiny.totalBackgroundConnections());
        QueenConfig tinier = QueenConfig.from(Map.of("QUEEN_THREADS", "4", "DB_POOL_SIZE", "2"));
        // no LISTEN, background requests share the hot-path pools; the jobs and file-buffer
        // connections always open (one over this tiny budget)
        assertEquals(2, tinier.totalBackgroundConnections());
    }

    @Test
    void severalDatabaseHostsAndThePoolerMode() {
        QueenConfig several = QueenConfig.from(Map.of("PG_HOST", "db1, db2:5433,[::1]:6000", "PG_PORT", "5544"));
        assertEquals("[db1:5544, db2:5433, ::1:6000]", several.db.hosts.toString());
        assertTrue(several.peerNotify);
        QueenConfig direct = QueenConfig.from(Map.of("PG_HOST", "bouncer:6432", "PG_TRANSACTION_POOLER", "true",
                "PG_DIRECT_HOST", "db:5432"));
        assertTrue(direct.db.transactionPooler);
        assertTrue(direct.peerNotify);
        assertEquals("db:5432", direct.db.direct.toString());
        assertEquals(DatabaseSettings.Tls.VERIFY,
                QueenConfig.from(Map.of("PG_HOST", "db", "PG_USE_SSL", "true")).db.tls);
        assertEquals(DatabaseSettings.Tls.ENCRYPT, QueenConfig.from(Map.of("PG_HOST", "db", "PG_USE_SSL", "true",
                "PG_SSL_REJECT_UNAUTHORIZED", "false")).db.tls);
    }

    @Test
    void fileBufferSettings() {
        QueenConfig defaults = QueenConfig.from(Map.of("QUEEN_DATA_DIR", "/tmp/qd"));
        assertEquals(java.nio.file.Path.of("/tmp/qd/buffer"), defaults.bufferDir);
        assertEquals(100, defaults.bufferFlushMs);
        assertEquals(100, defaults.bufferMaxBatch);
        assertEquals(10_000, defaults.bufferEventsPerFile);
        QueenConfig set = QueenConfig.from(Map.of("FILE_BUFFER_DIR", "/tmp/elsewhere", "FILE_BUFFER_FLUSH_MS", "50",
                "FILE_BUFFER_MAX_BATCH", "7", "FILE_BUFFER_EVENTS_PER_FILE", "3"));
        assertEquals(java.nio.file.Path.of("/tmp/elsewhere"), set.bufferDir);
        assertEquals(50, set.bufferFlushMs);
        assertEquals(7, set.bufferMaxBatch);
        assertEquals(3, set.bufferEventsPerFile);
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("FILE_BUFFER_FLUSH_MS", "soon")));
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("FILE_BUFFER_MAX_BATCH", "0")));
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("FILE_BUFFER_EVENTS_PER_FILE", "-1")));
    }

    @Test
    void metricsSettings() {
        QueenConfig defaults = QueenConfig.from(Map.of());
        assertEquals(10_000, defaults.metricsFlushMs);
        assertEquals(1000, defaults.metricsSampleIntervalMs);
        assertEquals(60, defaults.metricsAggregateIntervalS);
        assertEquals(null, defaults.workerIdLabel);
        QueenConfig set = QueenConfig.from(Map.of("QUEEN_METRICS_FLUSH_MS", "500", "METRICS_SAMPLE_INTERVAL_MS", "250",
                "METRICS_AGGREGATE_INTERVAL_S", "5", "WORKER_ID", "replica-a"));
        assertEquals(500, set.metricsFlushMs);
        assertEquals(250, set.metricsSampleIntervalMs);
        assertEquals(5, set.metricsAggregateIntervalS);
        assertEquals("replica-a", set.workerIdLabel);
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("QUEEN_METRICS_FLUSH_MS", "often")));
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("METRICS_SAMPLE_INTERVAL_MS", "0")));
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("METRICS_AGGREGATE_INTERVAL_S", "0")));
    }
}
