package io.queen.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every numeric setting's default and bounds, the derived values, and each refusal by name. */
class QueenConfigTest {

    /** One numeric variable: its default (null: derived), its bounds and where it ends up. */
    private record Setting(String name, Long fallback, long min, long max, ToLongFunction<QueenConfig> read) {
    }

    private static Setting s(String name, long fallback, long min, long max, ToLongFunction<QueenConfig> read) {
        return new Setting(name, fallback, min, max, read);
    }

    private static final List<Setting> NUMBERS = List.of(
            s("PORT", 6632, 0, 65535, c -> c.port),
            s("DB_POOL_SIZE_PER_THREAD", 5, 1, 1000, c -> c.hotPoolSizes[0]),
            s("QUEEN_CACHE_REFRESH_INTERVAL_MS", 5000, 100, 3_600_000, c -> c.queueCacheRefreshMs),
            s("QUEEN_MAX_CONNECTIONS", 4000, 1, 1_000_000, c -> c.maxConnections),
            s("QUEEN_HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 3_600_000, c -> c.headerTimeoutMs),
            s("QUEEN_HTTP_IDLE_TIMEOUT_MS", 60_000, 100, 86_400_000, c -> c.idleTimeoutMs),
            s("QUEEN_HTTP_BODY_TIMEOUT_MS", 60_000, 100, 3_600_000, c -> c.bodyTimeoutMs),
            s("QUEEN_PUSH_DB_TIMEOUT_MS", 35_000, 0, 86_400_000, c -> c.pushDbTimeoutMs),
            s("DEFAULT_BATCH_SIZE", 1, 1, 1_000_000, c -> c.defaultBatch),
            s("QUEEN_MAX_POP_BATCH", 10_000, 1, 1_000_000, c -> c.maxPopBatch),
            s("DEFAULT_TIMEOUT", 30_000, 0, 3_600_000, c -> c.defaultTimeoutMs),
            s("QUEEN_MAX_POLL_TIMEOUT", 600_000, 1000, 86_400_000, c -> c.maxTimeoutMs),
            s("POP_WAIT_MAX_INTERVAL_MS", 1000, 10, 60_000, c -> c.pollRecheckMs),
            s("QUEEN_SHUTDOWN_GRACE_MS", 5000, 0, 600_000, c -> c.shutdownGraceMs),
            s("QUEEN_PUSH_MAX_CONCURRENT", 1, 1, 1000, c -> c.pushMaxInFlight),
            s("QUEEN_PUSH_MAX_BATCH_SIZE", 10_000, 1, 1_000_000, c -> c.pushMaxItemsPerCall),
            s("RETENTION_INTERVAL", 300_000, 100, 86_400_000, c -> c.retentionIntervalMs),
            s("RETENTION_BATCH_SIZE", 1000, 1, 1_000_000, c -> c.retentionBatchSize),
            s("PARTITION_CLEANUP_DAYS", 30, 1, 36_500, c -> c.partitionCleanupDays),
            s("METRICS_RETENTION_DAYS", 90, 1, 36_500, c -> c.metricsRetentionDays),
            s("EVICTION_INTERVAL", 60_000, 100, 86_400_000, c -> c.evictionIntervalMs),
            s("EVICTION_BATCH_SIZE", 1000, 1, 1_000_000, c -> c.evictionBatchSize),
            s("STATS_INTERVAL_MS", 10_000, 100, 86_400_000, c -> c.statsIntervalMs),
            s("STATS_RECONCILE_INTERVAL_MS", 120_000, 100, 86_400_000, c -> c.statsReconcileIntervalMs),
            s("STATS_HISTORY_RETENTION_DAYS", 7, 1, 36_500, c -> c.statsHistoryRetentionDays),
            s("QUEEN_METRICS_FLUSH_MS", 10_000, 100, 60_000, c -> c.metricsFlushMs),
            s("METRICS_SAMPLE_INTERVAL_MS", 1000, 100, 60_000, c -> c.metricsSampleIntervalMs),
            s("METRICS_AGGREGATE_INTERVAL_S", 60, 1, 3600, c -> c.metricsAggregateIntervalS),
            s("FILE_BUFFER_FLUSH_MS", 100, 10, 600_000, c -> c.bufferFlushMs),
            s("FILE_BUFFER_MAX_BATCH", 100, 1, 100_000, c -> c.bufferMaxBatch),
            s("FILE_BUFFER_EVENTS_PER_FILE", 10_000, 1, 100_000_000, c -> c.bufferEventsPerFile),
            s("DB_CONNECTION_TIMEOUT", 2000, 100, 600_000, c -> c.db.connectTimeoutMs),
            s("DB_STATEMENT_TIMEOUT", 30_000, 0, 86_400_000, c -> c.db.statementTimeoutMs),
            s("DB_LOCK_TIMEOUT", 10_000, 0, 86_400_000, c -> c.db.lockTimeoutMs),
            s("DB_IDLE_TIMEOUT", 30_000, 0, 86_400_000, c -> c.db.idleInTransactionTimeoutMs),
            s("DB_TCP_USER_TIMEOUT_MS", 30_000, 0, 86_400_000, c -> c.db.tcpUserTimeoutMs),
            s("DB_KEEPALIVES_IDLE", 60, 1, 86_400, c -> c.db.keepalivesIdleSeconds),
            s("DB_KEEPALIVES_INTERVAL", 10, 1, 86_400, c -> c.db.keepalivesIntervalSeconds),
            s("DB_KEEPALIVES_COUNT", 3, 1, 1000, c -> c.db.keepalivesCount),
            s("QUEEN_DB_ACQUIRE_TIMEOUT_MS", 10_000, 1, 600_000, c -> c.db.acquireTimeoutMs),
            s("QUEEN_DB_MAX_WAITING", 10_000, 1, 1_000_000, c -> c.db.maxWaiting),
            s("QUEEN_DB_POOL_IDLE_MS", 60_000, 1000, 86_400_000, c -> c.db.poolIdleMs),
            s("JWT_CLOCK_SKEW", 30, 0, 86_400, c -> c.jwt.clockSkewSeconds),
            s("JWT_JWKS_TIMEOUT_MS", 5000, 100, 600_000, c -> c.jwt.jwksTimeoutMs),
            s("JWT_JWKS_REFRESH_INTERVAL", 3600, 1, 604_800, c -> c.jwt.jwksRefreshSeconds),
            s("JWT_JWKS_MIN_REFRESH_MS", 10_000, 0, 3_600_000, c -> c.jwt.jwksMinRefreshMs),
            // read only when set, so no default of their own here
            new Setting("SIDECAR_POOL_SIZE", null, 1, 10_000, c -> c.totalHotConnections()),
            new Setting("DB_POOL_SIZE", null, 0, 10_000, c -> c.backgroundPoolSizes.length),
            new Setting("QUEEN_MAX_POP_BYTES", null, 1024, 1L << 31, c -> c.maxPopBytes),
            new Setting("PG_PORT", null, 1, 65535, c -> c.db.hosts.size()));

    /** One worker, so that per-worker values are the setting itself. */
    private static QueenConfig config(String... pairs) {
        Map<String, String> env = Pairs.env(pairs);
        env.putIfAbsent("QUEEN_THREADS", "1");
        return QueenConfig.from(env);
    }

    private static String refusal(String... pairs) {
        return assertThrows(ConfigException.class, () -> config(pairs), String.join(" ", pairs)).getMessage();
    }

    @Test
    void everyNumericSettingHasItsDefaultAndTakesItsBounds() {
        QueenConfig defaults = config();
        for (Setting s : NUMBERS) {
            if (s.fallback() == null) {
                continue;
            }
            assertEquals((long) s.fallback(), s.read().applyAsLong(defaults), s.name() + " default");
            assertEquals(s.min(), s.read().applyAsLong(config(s.name(), Long.toString(s.min()))), s.name() + " at min");
            assertEquals(s.max(), s.read().applyAsLong(config(s.name(), Long.toString(s.max()))), s.name() + " at max");
        }
    }

    @Test
    void everyNumericSettingOutsideItsBoundsOrNotANumberIsRefusedByName() {
        for (Setting s : NUMBERS) {
            String range = " must be between " + s.min() + " and " + s.max() + ", got ";
            assertEquals(s.name() + range + (s.min() - 1), refusal(s.name(), Long.toString(s.min() - 1)));
            assertEquals(s.name() + range + (s.max() + 1), refusal(s.name(), Long.toString(s.max() + 1)));
            assertEquals(s.name() + " must be an integer, got 'soon'", refusal(s.name(), "soon"));
            assertEquals(s.name() + " must be an integer, got '2.5'", refusal(s.name(), " 2.5 "));
        }
    }

    @Test
    void everyBooleanSettingIsRefusedByName() {
        for (String name : new String[]{"QUEEN_PEER_NOTIFY", "PG_USE_SSL", "PG_SSL_REJECT_UNAUTHORIZED",
                "PG_TRANSACTION_POOLER", "JWT_ENABLED"}) {
            assertEquals(name + " must be true or false, got 'maybe'", refusal(name, "maybe", "PG_HOST", "db"));
        }
    }

    @Test
    void unsetVariablesGiveTheDocumentedDefaults() {
        QueenConfig c = QueenConfig.from(Map.of());
        assertEquals("0.0.0.0", c.host);
        assertEquals(Runtime.getRuntime().availableProcessors(), c.workers);
        assertEquals(Path.of("queen-data").toAbsolutePath(), c.dataDir);
        assertEquals(c.dataDir.resolve("buffer"), c.bufferDir);
        assertTrue(c.embeddedDatabase());
        assertNull(c.corsOrigins, "any origin");
        assertNull(c.encryptionKey);
        assertEquals("", c.defaultSubscriptionMode);
        assertNull(c.workerIdLabel);
        assertTrue(c.peerNotify);
        assertEquals(3, c.processConnections);
        assertEquals(List.of(), c.noEffectSettings);
        assertFalse(c.jwt.enabled);
        long heapShare = Runtime.getRuntime().maxMemory() / 6;
        assertEquals(heapShare, c.bodyMemoryBytes);
        assertEquals(Math.min(64L << 20, heapShare / 3), c.maxBodyBytes);
    }

    @Test
    void workersComeFromQueenThreadsThenNumWorkers() {
        assertEquals(3, QueenConfig.from(Map.of("NUM_WORKERS", "3")).workers);
        assertEquals(2, QueenConfig.from(Map.of("QUEEN_THREADS", "2", "NUM_WORKERS", "3")).workers);
        // NUM_WORKERS is not even read when QUEEN_THREADS is set
        assertEquals(2, QueenConfig.from(Map.of("QUEEN_THREADS", "2", "NUM_WORKERS", "many")).workers);
        for (String name : new String[]{"QUEEN_THREADS", "NUM_WORKERS"}) {
            assertEquals(name + " must be between 1 and 1024, got 0",
                    assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of(name, "0"))).getMessage());
            assertEquals(1024, QueenConfig.from(Map.of(name, "1024")).hotPoolSizes.length);
        }
    }

    @Test
    void poolBudgetsAreSplitAcrossWorkers() {
        QueenConfig sidecar = QueenConfig.from(Map.of("QUEEN_THREADS", "3", "SIDECAR_POOL_SIZE", "7"));
        assertArrayEquals(new int[]{3, 2, 2}, sidecar.hotPoolSizes);
        // at least one hot-path connection per worker, even over the reference's total
        assertArrayEquals(new int[]{1, 1, 1, 1}, QueenConfig.from(Map.of("QUEEN_THREADS", "4",
                "SIDECAR_POOL_SIZE", "2")).hotPoolSizes);
        // 95 % of 20 is 19: 3 for the process (jobs, file buffer, LISTEN), 16 over the workers
        QueenConfig budget = QueenConfig.from(Map.of("QUEEN_THREADS", "3", "DB_POOL_SIZE", "20"));
        assertArrayEquals(new int[]{6, 5, 5}, budget.backgroundPoolSizes);
        assertEquals(19, budget.totalBackgroundConnections());
        // under 3 after the 95 %: no LISTEN, nothing for the workers (they share the hot path)
        QueenConfig none = QueenConfig.from(Map.of("QUEEN_THREADS", "2", "DB_POOL_SIZE", "0"));
        assertFalse(none.peerNotify);
        assertEquals(2, none.processConnections);
        assertArrayEquals(new int[]{0, 0}, none.backgroundPoolSizes);
        assertFalse(QueenConfig.from(Map.of("QUEEN_PEER_NOTIFY", "false")).peerNotify);
        assertEquals(2, QueenConfig.from(Map.of("QUEEN_PEER_NOTIFY", "no")).processConnections);
    }

    @Test
    void thePushDeadlineFollowsTheStatementTimeout() {
        assertEquals(65_000, config("DB_STATEMENT_TIMEOUT", "60000").pushDbTimeoutMs);
        // no statement timeout: 30 s is assumed for it
        assertEquals(35_000, config("DB_STATEMENT_TIMEOUT", "0").pushDbTimeoutMs);
        assertEquals(0, config("DB_STATEMENT_TIMEOUT", "60000", "QUEEN_PUSH_DB_TIMEOUT_MS", "0").pushDbTimeoutMs);
    }

    @Test
    void bodyAndPopByteLimits() {
        QueenConfig set = config("QUEEN_BODY_MEMORY_BYTES", "3000000", "DB_POOL_SIZE_PER_THREAD", "10");
        assertEquals(3_000_000, set.bodyMemoryBytes);
        assertEquals(1_000_000, set.maxBodyBytes, "a third of the memory budget");
        assertEquals(100_000, set.maxPopBytes, "the budget over three times the hot-path connections");
        assertEquals(64 * 1024, config("QUEEN_BODY_MEMORY_BYTES", "3000000", "DB_POOL_SIZE_PER_THREAD", "1000")
                .maxPopBytes, "never below 64 KB");
        assertEquals(200_000, config("QUEEN_BODY_MEMORY_BYTES", "30000000", "QUEEN_MAX_BODY_BYTES", "200000")
                .maxPopBytes, "not above the largest body");
        // the largest body wins over the 64 KB floor: a pop answer is never larger than a body
        assertEquals(2048, config("QUEEN_BODY_MEMORY_BYTES", "3000000", "QUEEN_MAX_BODY_BYTES", "2048").maxPopBytes);
        assertEquals(64L << 20, config("QUEEN_BODY_MEMORY_BYTES", Long.toString(1L << 40)).maxBodyBytes, "64 MB at most");
        assertEquals("QUEEN_BODY_MEMORY_BYTES must be between 65536 and " + Long.MAX_VALUE + ", got 65535",
                refusal("QUEEN_BODY_MEMORY_BYTES", "65535"));
        assertEquals("QUEEN_MAX_BODY_BYTES must be between 1024 and 2147483648, got 1023",
                refusal("QUEEN_MAX_BODY_BYTES", "1023"));
        String tooLarge = refusal("QUEEN_BODY_MEMORY_BYTES", "100000", "QUEEN_MAX_BODY_BYTES", "100001");
        assertTrue(tooLarge.startsWith("QUEEN_MAX_BODY_BYTES (100001) is larger than QUEEN_BODY_MEMORY_BYTES (100000)"),
                tooLarge);
        assertEquals(100_000, config("QUEEN_BODY_MEMORY_BYTES", "100000", "QUEEN_MAX_BODY_BYTES", "100000").maxBodyBytes);
    }

    @Test
    void theEncryptionKeyIs64HexCharacters() {
        String hex = "00112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100";
        assertArrayEquals(HexFormat.of().parseHex(hex), config("QUEEN_ENCRYPTION_KEY", " " + hex + " ").encryptionKey);
        for (String bad : new String[]{hex.substring(1), hex + "0", "g" + hex.substring(1), "0x" + hex.substring(2)}) {
            String message = refusal("QUEEN_ENCRYPTION_KEY", bad);
            assertEquals("QUEEN_ENCRYPTION_KEY must be 64 hexadecimal characters (a 32-byte key, e.g. from "
                    + "`openssl rand -hex 32`), got " + bad.length() + " characters", message);
            assertFalse(message.contains(bad), "the key itself is never shown");
        }
    }

    @Test
    void corsOriginsAreAStarOrAListOfOrigins() {
        assertNull(config("CORS_ALLOWED_ORIGINS", " * ").corsOrigins);
        assertEquals(Set.of("https://app.example.com", "http://localhost:3000"),
                config("CORS_ALLOWED_ORIGINS", "https://app.example.com , http://localhost:3000").corsOrigins);
        for (String bad : new String[]{"https://a.example,", "app.example.com", "https://app.example.com/", "https://a.example/path",
                "ftp://files.example", "https://", ",https://a.example", "*,https://a.example"}) {
            String message = refusal("CORS_ALLOWED_ORIGINS", bad);
            assertTrue(message.startsWith("CORS_ALLOWED_ORIGINS must be * or a comma list of origins"), bad + ": " + message);
        }
    }

    @Test
    void textSettingsAreTakenTrimmed() {
        QueenConfig c = config("HOST", " 127.0.0.1 ", "DEFAULT_SUBSCRIPTION_MODE", "new", "WORKER_ID", "replica-a",
                "QUEEN_DATA_DIR", "/tmp/q/../qd", "FILE_BUFFER_DIR", "relative/buffer");
        assertEquals("127.0.0.1", c.host);
        assertEquals("new", c.defaultSubscriptionMode);
        assertEquals("replica-a", c.workerIdLabel);
        assertEquals(Path.of("/tmp/qd"), c.dataDir);
        assertEquals(Path.of("relative/buffer").toAbsolutePath(), c.bufferDir);
    }
}
