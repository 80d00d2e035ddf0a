package io.queen.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Server settings, read once from the environment with the reference server's variable
 * names. Every value is validated here so that a typo fails the start, naming the variable,
 * instead of surfacing later as odd behaviour.
 */
public final class QueenConfig {

    public final String host;
    public final int port;
    public final int workers;

    /** PostgreSQL: where (none: the embedded one), as whom, timeouts, TLS, pooler. */
    public final DatabaseSettings db;
    public final Path dataDir;

    /** Hot-path connections of each worker, index = worker number. */
    public final int[] hotPoolSizes;
    /** Connections for everything else, per worker; 0 means "share the hot-path pool". */
    public final int[] backgroundPoolSizes;
    /**
     * A push's database call that has not answered by then is given up and the push goes to
     * the file buffer (0: wait for ever).
     */
    public final int pushDbTimeoutMs;

    public final long maxBodyBytes;
    /** Request bodies being received at once may add up to this many bytes; more wait for a 503 retry. */
    public final long bodyMemoryBytes;
    public final int defaultBatch;
    public final int defaultTimeoutMs;
    public final int maxTimeoutMs;
    public final String defaultSubscriptionMode;
    /** Parked long-polls re-check this often even without a wake-up (lease expiry, delays). */
    public final int pollRecheckMs;
    public final int shutdownGraceMs;
    /** LISTEN/NOTIFY between servers sharing the database, so a push wakes their long-polls. */
    public final boolean peerNotify;
    /** Connections the process opens besides the workers' pools (jobs, file-buffer drain, LISTEN). */
    public final int processConnections;
    /** Request fusion: database calls per worker running at once before pushes queue up. */
    public final int pushMaxInFlight;
    /** Request fusion: items at most in one fused push call (a larger request goes alone). */
    public final int pushMaxItemsPerCall;

    /** Background jobs (one process at a time across servers sharing the database). */
    public final int retentionIntervalMs;
    /** Rows per delete statement of the jobs: each batch is its own short transaction. */
    public final int retentionBatchSize;
    public final int partitionCleanupDays;
    public final int metricsRetentionDays;
    public final int evictionIntervalMs;
    public final int evictionBatchSize;
    /** Statistics job (leader only): fast path for active partitions, full reconcile, history retention. */
    public final int statsIntervalMs;
    public final int statsReconcileIntervalMs;
    public final int statsHistoryRetentionDays;
    /** Each worker adds its per-minute counters into the database this often. */
    public final int metricsFlushMs;
    /** The process metrics collector samples CPU, memory and pools this often. */
    public final int metricsSampleIntervalMs;
    /** ... and writes its aggregate into system_metrics this often. */
    public final int metricsAggregateIntervalS;
    /** Replica label in the metrics tables (WORKER_ID); null: {@code <hostname>:<port>}. */
    public final String workerIdLabel;
    /** Where pushes are written while the database is unreachable or in push maintenance. */
    public final Path bufferDir;
    /** The buffer is drained into the database this often (when there is something to drain). */
    public final int bufferFlushMs;
    /** Buffered events per database call while draining. */
    public final int bufferMaxBatch;
    /** A buffer file is closed and a new one started after this many events. */
    public final int bufferEventsPerFile;

    /**
     * A pop answers at most this many messages whatever batch it asks for: one answer is built
     * in memory, and a pop of a million messages must not take the server's heap with it.
     */
    public final int maxPopBatch;
    /** A pop answer's payloads add up to about this many bytes at most (the first message always goes). */
    public final long maxPopBytes;
    /** Origins that get CORS headers; null: any ("*", the reference's behaviour). */
    public final java.util.Set<String> corsOrigins;
    /** AES-256 key for queues with encryptionEnabled, or null (QUEEN_ENCRYPTION_KEY unset). */
    public final byte[] encryptionKey;
    /** Each worker re-reads which queues are encrypted this often (changes on this server apply at once). */
    public final int queueCacheRefreshMs;
    /** Open HTTP connections at most, across the workers; more are closed on accept. */
    public final int maxConnections;
    /** A new connection must send complete request headers within this. */
    public final int headerTimeoutMs;
    /** A kept-alive connection without a request in progress is closed after this. */
    public final int idleTimeoutMs;
    /** A request's body must arrive within this after its headers. */
    public final int bodyTimeoutMs;
    /** Reference variables set in the environment that have no effect here, each with the reason. */
    public final java.util.List<String> noEffectSettings;
    /** JWT authentication (off unless JWT_ENABLED=true). */
    public final JwtSettings jwt;

    private QueenConfig(Env env) {
        encryptionKey = encryptionKey(env);
        queueCacheRefreshMs = env.integer("QUEEN_CACHE_REFRESH_INTERVAL_MS", 5000, 100, 3_600_000);
        jwt = new JwtSettings(env);
        noEffectSettings = ReferenceOnlySettings.setIn(env);
        host = env.string("HOST", "0.0.0.0");
        maxConnections = env.integer("QUEEN_MAX_CONNECTIONS", 4_000, 1, 1_000_000);
        headerTimeoutMs = env.integer("QUEEN_HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 3_600_000);
        idleTimeoutMs = env.integer("QUEEN_HTTP_IDLE_TIMEOUT_MS", 60_000, 100, 86_400_000);
        bodyTimeoutMs = env.integer("QUEEN_HTTP_BODY_TIMEOUT_MS", 60_000, 100, 3_600_000);
        corsOrigins = origins(env.string("CORS_ALLOWED_ORIGINS", "*"));
        port = env.integer("PORT", 6632, 0, 65535);
        int cores = Runtime.getRuntime().availableProcessors();
        workers = env.has("QUEEN_THREADS")
                ? env.integer("QUEEN_THREADS", cores, 1, 1024)
                : env.integer("NUM_WORKERS", cores, 1, 1024);

        db = new DatabaseSettings(env);
        dataDir = Path.of(env.string("QUEEN_DATA_DIR", "./queen-data")).toAbsolutePath().normalize();

        hotPoolSizes = new int[workers];
        if (env.has("SIDECAR_POOL_SIZE")) {
            // the reference's total for the hot path, split like it does (>= 1 each)
            int total = env.integer("SIDECAR_POOL_SIZE", 50, 1, 10_000);
            split(total, hotPoolSizes, 1);
        } else {
            java.util.Arrays.fill(hotPoolSizes, env.integer("DB_POOL_SIZE_PER_THREAD", 5, 1, 1000));
        }
        // the reference opens 95 % of DB_POOL_SIZE off the hot path; never open more than it
        // would, the process's own connections (jobs, LISTEN) included; no room: no LISTEN
        int budget = env.has("DB_POOL_SIZE") ? env.integer("DB_POOL_SIZE", 150, 0, 10_000) * 95 / 100 : -1;
        peerNotify = env.bool("QUEEN_PEER_NOTIFY", true) && (budget < 0 || budget >= 3);
        // the background jobs' and the file buffer's connections, plus LISTEN when there is room
        processConnections = 2 + (peerNotify ? 1 : 0);
        backgroundPoolSizes = new int[workers];
        if (budget >= 0) {
            split(Math.max(0, budget - processConnections), backgroundPoolSizes, 0);
        } else {
            java.util.Arrays.fill(backgroundPoolSizes, 2);
        }
        // past the statement timeout, so that a statement PostgreSQL is still working on is
        // never abandoned before PostgreSQL itself would cancel it: only silence is
        pushDbTimeoutMs = env.integer("QUEEN_PUSH_DB_TIMEOUT_MS",
                (db.statementTimeoutMs > 0 ? db.statementTimeoutMs : 30_000) + 5000, 0, 86_400_000);

        // a body costs about 3.5 times its size in heap on its way to PostgreSQL (measured: four
        // 8 MB pushes at once exhaust a 128 MB heap); by default the bodies being received at
        // once get a sixth of the heap, and one body may take a third of that
        bodyMemoryBytes = env.longValue("QUEEN_BODY_MEMORY_BYTES", Runtime.getRuntime().maxMemory() / 6,
                64 * 1024, Long.MAX_VALUE);
        maxBodyBytes = env.longValue("QUEEN_MAX_BODY_BYTES", Math.min(64L * 1024 * 1024, bodyMemoryBytes / 3),
                1024, 1L << 31);
        if (maxBodyBytes > bodyMemoryBytes) {
            throw new ConfigException("QUEEN_MAX_BODY_BYTES (" + maxBodyBytes + ") is larger than QUEEN_BODY_MEMORY_BYTES ("
                    + bodyMemoryBytes + "): such a body could never be accepted; raise the heap (-Xmx) or "
                    + "QUEEN_BODY_MEMORY_BYTES, or lower QUEEN_MAX_BODY_BYTES");
        }
        defaultBatch = env.integer("DEFAULT_BATCH_SIZE", 1, 1, 1_000_000);
        maxPopBatch = env.integer("QUEEN_MAX_POP_BATCH", 10_000, 1, 1_000_000);
        // an answer is held as rows, then as the response (about three times its payloads):
        // every hot-path connection returning a full answer at once costs at most as much heap
        // as the bodies' share itself
        // a share of the body budget, at least 64 KB, never more than the largest body
        maxPopBytes = env.longValue("QUEEN_MAX_POP_BYTES", Math.min(maxBodyBytes, Math.max(64 * 1024,
                        bodyMemoryBytes / (3L * Math.max(1, totalHotConnections())))),
                1024, 1L << 31);
        defaultTimeoutMs = env.integer("DEFAULT_TIMEOUT", 30_000, 0, 3_600_000);
        maxTimeoutMs = env.integer("QUEEN_MAX_POLL_TIMEOUT", 600_000, 1000, 86_400_000);
        defaultSubscriptionMode = env.string("DEFAULT_SUBSCRIPTION_MODE", "");
        pollRecheckMs = env.integer("POP_WAIT_MAX_INTERVAL_MS", 1000, 10, 60_000);
        shutdownGraceMs = env.integer("QUEEN_SHUTDOWN_GRACE_MS", 5000, 0, 600_000);
        pushMaxInFlight = env.integer("QUEEN_PUSH_MAX_CONCURRENT", 1, 1, 1000);
        pushMaxItemsPerCall = env.integer("QUEEN_PUSH_MAX_BATCH_SIZE", 10_000, 1, 1_000_000);

        retentionIntervalMs = env.integer("RETENTION_INTERVAL", 300_000, 100, 86_400_000);
        retentionBatchSize = env.integer("RETENTION_BATCH_SIZE", 1000, 1, 1_000_000);
        partitionCleanupDays = env.integer("PARTITION_CLEANUP_DAYS", 30, 1, 36_500);
        metricsRetentionDays = env.integer("METRICS_RETENTION_DAYS", 90, 1, 36_500);
        evictionIntervalMs = env.integer("EVICTION_INTERVAL", 60_000, 100, 86_400_000);
        evictionBatchSize = env.integer("EVICTION_BATCH_SIZE", 1000, 1, 1_000_000);
        statsIntervalMs = env.integer("STATS_INTERVAL_MS", 10_000, 100, 86_400_000);
        statsReconcileIntervalMs = env.integer("STATS_RECONCILE_INTERVAL_MS", 120_000, 100, 86_400_000);
        statsHistoryRetentionDays = env.integer("STATS_HISTORY_RETENTION_DAYS", 7, 1, 36_500);
        metricsFlushMs = env.integer("QUEEN_METRICS_FLUSH_MS", 10_000, 100, 60_000);
        metricsSampleIntervalMs = env.integer("METRICS_SAMPLE_INTERVAL_MS", 1000, 100, 60_000);
        metricsAggregateIntervalS = env.integer("METRICS_AGGREGATE_INTERVAL_S", 60, 1, 3600);
        workerIdLabel = env.string("WORKER_ID", null);
        // next to the embedded database rather than the reference's /var/lib path, which an
        // ordinary user cannot write to
        bufferDir = Path.of(env.string("FILE_BUFFER_DIR", dataDir.resolve("buffer").toString()))
                .toAbsolutePath().normalize();
        bufferFlushMs = env.integer("FILE_BUFFER_FLUSH_MS", 100, 10, 600_000);
        bufferMaxBatch = env.integer("FILE_BUFFER_MAX_BATCH", 100, 1, 100_000);
        bufferEventsPerFile = env.integer("FILE_BUFFER_EVENTS_PER_FILE", 10_000, 1, 100_000_000);
    }

    /** QUEEN_ENCRYPTION_KEY: 64 hex characters, a 32-byte AES-256 key (spec 4.7). */
    private static byte[] encryptionKey(Env env) {
        if (!env.has("QUEEN_ENCRYPTION_KEY")) {
            return null;
        }
        String hex = env.string("QUEEN_ENCRYPTION_KEY", null);
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            // the reference logs this and stores payloads in clear; a user who set a key wants them encrypted
            throw new ConfigException("QUEEN_ENCRYPTION_KEY must be 64 hexadecimal characters (a 32-byte key, "
                    + "e.g. from `openssl rand -hex 32`), got " + hex.length() + " characters");
        }
        return java.util.HexFormat.of().parseHex(hex);
    }

    private static java.util.Set<String> origins(String list) {
        if (list.equals("*")) {
            return null;
        }
        java.util.Set<String> origins = new java.util.LinkedHashSet<>();
        for (String origin : list.split(",", -1)) {
            String o = origin.trim();
            if (!o.matches("https?://[^/\\s]+")) {
                throw new ConfigException("CORS_ALLOWED_ORIGINS must be * or a comma list of origins such as "
                        + "https://app.example.com, got '" + o + "'");
            }
            origins.add(o);
        }
        return java.util.Set.copyOf(origins);
    }

    public static QueenConfig fromEnvironment() {
        return new QueenConfig(new Env(System.getenv()));
    }

    public static QueenConfig from(Map<String, String> variables) {
        return new QueenConfig(new Env(variables));
    }

    public boolean embeddedDatabase() {
        return db.embedded();
    }

    public int totalHotConnections() {
        return java.util.Arrays.stream(hotPoolSizes).sum();
    }

    /** Background pools plus the process's own connections. */
    public int totalBackgroundConnections() {
        return java.util.Arrays.stream(backgroundPoolSizes).sum() + processConnections;
    }

    private static void split(int total, int[] into, int minimum) {
        int n = into.length;
        for (int i = 0; i < n; i++) {
            into[i] = Math.max(minimum, total / n + (i < total % n ? 1 : 0));
        }
    }

}
