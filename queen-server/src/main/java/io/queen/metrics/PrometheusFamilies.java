package io.queen.metrics;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

import java.lang.management.ManagementFactory;

/**
 * The reference's Prometheus families (spec 3.1) that this server can fill honestly, added
 * after Micrometer's output (which already has queen_uptime_seconds and
 * queen_process_resident_memory_bytes). Live figures of this replica, then cluster-wide,
 * per-queue and per-worker figures from one database statement. Not exported, because this
 * server has nothing behind them: pool idle counts (the pools do not tell idle from busy),
 * the response registry, sidecar and back-off figures, the UDP cluster-sync families.
 */
public final class PrometheusFamilies {
    private static final String CLUSTER = CounterSql.query("prometheus_cluster");

    private PrometheusFamilies() {
    }

    /** Every family, declared in output order; those of the counters come from {@link QueenCounter}. */
    public static PrometheusText declare() {
        PrometheusText t = new PrometheusText();
        t.family("queen_cpu_user_microseconds_total", "counter", "CPU time of this process in user mode")
                .family("queen_cpu_system_microseconds_total", "counter", "CPU time of this process in kernel mode")
                .family("queen_process_virtual_memory_bytes", "gauge", "Virtual memory size of this process")
                .family("queen_db_pool_size", "gauge", "Database connections this server may open")
                .family("queen_db_pool_active", "gauge", "Database connections open in the workers' pools")
                .family("queen_threadpool_size", "gauge",
                        "Threads: db = event loops running every database call, system = JVM threads")
                .family("queen_threadpool_queue_size", "gauge", "Push requests waiting for fusion on the event loops")
                .family("queen_file_buffer_pending", "gauge", "Events in the file buffer waiting for the database")
                .family("queen_file_buffer_failed", "gauge", "Events in failed file-buffer files")
                .family("queen_file_buffer_db_healthy", "gauge", "1 when the file buffer sees the database up")
                .family("queen_maintenance_mode_enabled", "gauge", "1 while pushes go to the file buffer")
                .family("queen_shared_state_enabled", "gauge", "1 with UDP cluster sync (never: not implemented)");
        counterFamilies(t, QueenCounter.Scope.CLUSTER);
        t.family("queen_dlq_depth", "gauge", "Messages in the dead-letter queue")
                .family("queen_dlq_depth_by_queue", "gauge", "Messages in the dead-letter queue per queue");
        counterFamilies(t, QueenCounter.Scope.QUEUE);
        t.family("queen_queue_pop_lag_milliseconds", "gauge", "Age of popped messages in the latest minute")
                .family("queen_queue_parked_consumers", "gauge", "Long-polls waiting, minute average over all servers")
                .family("queen_queue_metrics_age_seconds", "gauge", "Seconds since the queue's metrics were written");
        t.family("queen_worker_event_loop_lag_milliseconds", "gauge", "Event-loop timer drift in the latest minute")
                .family("queen_worker_lag_milliseconds", "gauge", "Age of popped messages in the latest minute")
                .family("queen_worker_free_slots", "gauge", "Push calls that could start without waiting")
                .family("queen_worker_job_queue_size", "gauge", "Push requests waiting for fusion")
                .family("queen_worker_db_connections", "gauge", "Connections open in the worker's pools")
                .family("queen_worker_backoff_size", "gauge", "Pop back-off entries (always 0: no back-off here)");
        counterFamilies(t, QueenCounter.Scope.WORKER);
        t.family("queen_worker_metrics_age_seconds", "gauge", "Seconds since the worker's metrics were written");
        return t;
    }

    /** The families of the counters a scope keeps (declared in {@link QueenCounter}). */
    private static void counterFamilies(PrometheusText t, QueenCounter.Scope scope) {
        for (QueenCounter.Family f : QueenCounter.families(scope)) {
            t.family(f.name(), scope.prometheusType, f.help());
        }
    }

    /** This process's CPU, memory ({@code proc}: read off the event loop), connections and threads. */
    public static void addProcess(PrometheusText t, ProcSelf proc, QueenMetrics metrics, int configuredConnections,
                                  int workers) {
        t.sample("queen_cpu_user_microseconds_total", proc.userMicros())
                .sample("queen_cpu_system_microseconds_total", proc.systemMicros())
                .sample("queen_process_virtual_memory_bytes", proc.virtualBytes())
                .sample("queen_db_pool_size", configuredConnections)
                .sample("queen_db_pool_active", metrics.workerGauges.openConnections())
                .sample("queen_threadpool_size", new String[]{"pool"}, new String[]{"db"}, workers)
                .sample("queen_threadpool_size", new String[]{"pool"}, new String[]{"system"},
                        ManagementFactory.getThreadMXBean().getThreadCount())
                .sample("queen_threadpool_queue_size", new String[]{"pool"}, new String[]{"db"},
                        metrics.workerGauges.waitingPushes())
                .sample("queen_shared_state_enabled", 0);
    }

    public static void addFileBuffer(PrometheusText t, JsonObject stats, boolean pushMaintenance) {
        t.sample("queen_maintenance_mode_enabled", pushMaintenance ? 1 : 0);
        if (stats != null) {
            t.sample("queen_file_buffer_pending", stats.getLong("pendingCount", 0L))
                    .sample("queen_file_buffer_failed", stats.getLong("failedCount", 0L))
                    .sample("queen_file_buffer_db_healthy", stats.getBoolean("dbHealthy", false) ? 1 : 0);
        }
    }

    /** The cluster, queue and worker samples: one statement. */
    public static Future<RowSet<Row>> readDatabase(SqlClient db) {
        return db.query(CLUSTER).execute();
    }

    public static void addDatabase(PrometheusText t, RowSet<Row> rows) {
        for (Row r : rows) {
            Double value = r.getDouble("value");
            if (value != null) {
                t.sample(r.getString("family"), r.getArrayOfStrings("label_names"),
                        r.getArrayOfStrings("label_values"), value);
            }
        }
    }
}
