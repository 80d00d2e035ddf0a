package io.queen.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Variables of the reference server that tune machinery this server does not have. Setting one
 * changes nothing here, and none of them protects anything, so the start goes on, but the log
 * names each one that is set and says why it has no effect: a configuration carried over from
 * the reference is never ignored silently. (Settings that protect something and are not
 * supported stop the start instead, see QueenConfig.)
 */
final class ReferenceOnlySettings {
    private static final Map<String, String> REASONS = new LinkedHashMap<>();

    static {
        String engine = "tunes the reference's request batching engine; pushes are fused by QUEEN_PUSH_MAX_CONCURRENT "
                + "and QUEEN_PUSH_MAX_BATCH_SIZE here";
        for (String name : List.of("SIDECAR_MICRO_BATCH_WAIT_MS", "SIDECAR_MAX_ITEMS_PER_TX", "SIDECAR_MAX_BATCH_SIZE",
                "SIDECAR_MAX_PENDING_COUNT", "QUEEN_CONCURRENCY_MODE", "QUEEN_VEGAS_MIN_LIMIT", "QUEEN_VEGAS_MAX_LIMIT",
                "QUEEN_VEGAS_ALPHA", "QUEEN_VEGAS_BETA", "QUEEN_VEGAS_RTT_WINDOW_SAMPLES", "QUEEN_VEGAS_RTT_MIN_WINDOW_SEC",
                "QUEEN_VEGAS_UPDATE_INTERVAL_MS", "LIBQUEEN_INFLIGHT_DEADLINE_MS", "RESPONSE_TIMER_INTERVAL_MS",
                "RESPONSE_BATCH_SIZE", "RESPONSE_BATCH_MAX", "DB_THREAD_POOL_SERVICE_THREADS")) {
            REASONS.put(name, engine);
        }
        for (String type : List.of("PUSH", "POP", "ACK", "TRANSACTION", "RENEW_LEASE", "CUSTOM")) {
            for (String knob : List.of("PREFERRED_BATCH_SIZE", "MAX_HOLD_MS", "MAX_BATCH_SIZE", "MAX_CONCURRENT")) {
                String name = "QUEEN_" + type + "_" + knob;
                if (!name.equals("QUEEN_PUSH_MAX_BATCH_SIZE") && !name.equals("QUEEN_PUSH_MAX_CONCURRENT")) {
                    REASONS.put(name, engine);
                }
            }
        }
        String polls = "parked pops are woken by pushes here and re-check every POP_WAIT_MAX_INTERVAL_MS";
        for (String name : List.of("POP_WAIT_INITIAL_INTERVAL_MS", "POP_WAIT_BACKOFF_THRESHOLD",
                "POP_WAIT_BACKOFF_MULTIPLIER", "QUEUE_BACKOFF_CLEANUP_THRESHOLD")) {
            REASONS.put(name, polls);
        }
        String sync = "servers sharing a database wake each other through PostgreSQL LISTEN/NOTIFY here "
                + "(QUEEN_PEER_NOTIFY); there is no UDP sync and no partition cache to tune";
        for (String name : List.of("QUEEN_UDP_PEERS", "QUEEN_UDP_NOTIFY_PORT", "QUEEN_SYNC_ENABLED", "QUEEN_SYNC_SECRET",
                "QUEEN_CACHE_PARTITION_MAX", "QUEEN_CACHE_PARTITION_TTL_MS", "QUEEN_SYNC_HEARTBEAT_MS",
                "QUEEN_SYNC_DEAD_THRESHOLD_MS", "QUEEN_SYNC_RECV_BUFFER_MB")) {
            REASONS.put(name, sync);
        }
        String lookup = "partition_lookup is updated inside each push transaction here; there is nothing to reconcile";
        REASONS.put("PARTITION_LOOKUP_RECONCILE_INTERVAL_MS", lookup);
        REASONS.put("PARTITION_LOOKUP_RECONCILE_LOOKBACK_SECONDS", lookup);
        REASONS.put("WEBAPP_ROOT", "this server serves its own dashboard, from its jar, at /; a dashboard build elsewhere is not read");
    }

    private ReferenceOnlySettings() {
    }

    /** "NAME: why" for each such variable that is set. */
    static List<String> setIn(Env env) {
        List<String> found = new ArrayList<>();
        REASONS.forEach((name, why) -> {
            if (env.has(name)) {
                found.add(name + " (" + why + ")");
            }
        });
        return List.copyOf(found);
    }
}
