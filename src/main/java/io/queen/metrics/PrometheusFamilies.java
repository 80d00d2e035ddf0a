package io.queen.metrics;

import io.queen.db.SqlFiles;
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
    private static final String CLUSTER = SqlFiles.query("prometheus_cluster");

    private PrometheusFamilies() {
    }

    /** Every family, declared in output order. */
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
        for (String op : new String[]{"push_requests", "pop_requests", "ack_requests", "push_messages",
                "pop_messages", "ack_messages"}) {
            t.family("queen_cluster_" + op + "_total", "counter", "All workers of all servers: " + op.replace('_', ' '));
        }
        t.family("queen_cluster_transactions_total", "counter", "All workers of all servers: transactions")
                .family("queen_cluster_ack_total", "counter", "All workers of all servers: acknowledgements by result")
                .family("queen_cluster_db_errors_total", "counter", "All workers of all servers: failed hot-path database calls")
                .family("queen_cluster_dlq_total", "counter", "All workers of all servers: messages sent to the DLQ")
                .family("queen_dlq_depth", "gauge", "Messages in the dead-letter queue")
                .family("queen_dlq_depth_by_queue", "gauge", "Messages in the dead-letter queue per queue");
        t.family("queen_queue_pop_messages_per_minute", "gauge", "Messages popped in the latest minute")
                .family("queen_queue_pop_lag_milliseconds", "gauge", "Age of popped messages in the latest minute")
                .family("queen_queue_push_requests_per_minute", "gauge", "Push requests in the latest minute")
                .family("queen_queue_push_messages_per_minute", "gauge", "Messages pushed in the latest minute")
                .family("queen_queue_pop_empty_per_minute", "gauge", "Empty pops in the latest minute")
                .family("queen_queue_transactions_per_minute", "gauge", "Transactions in the latest minute")
                .family("queen_queue_ack_per_minute", "gauge", "Acknowledgements in the latest minute by result")
                .family("queen_queue_parked_consumers", "gauge", "Long-polls waiting, minute average over all servers")
                .family("queen_queue_metrics_age_seconds", "gauge", "Seconds since the queue's metrics were written");
        t.family("queen_worker_event_loop_lag_milliseconds", "gauge", "Event-loop timer drift in the latest minute")
                .family("queen_worker_lag_milliseconds", "gauge", "Age of popped messages in the latest minute")
                .family("queen_worker_free_slots", "gauge", "Push calls that could start without waiting")
                .family("queen_worker_job_queue_size", "gauge", "Push requests waiting for fusion")
                .family("queen_worker_db_connections", "gauge", "Connections open in the worker's pools")
                .family("queen_worker_backoff_size", "gauge", "Pop back-off entries (always 0: no back-off here)")
                .family("queen_worker_jobs_done_per_minute", "gauge", "Hot-path database calls in the latest minute")
                .family("queen_worker_requests_per_minute", "gauge", "Requests in the latest minute by operation")
                .family("queen_worker_messages_per_minute", "gauge", "Messages in the latest minute by operation")
                .family("queen_worker_ack_per_minute", "gauge", "Acknowledgements in the latest minute by result")
                .family("queen_worker_db_errors_per_minute", "gauge", "Failed hot-path database calls in the latest minute")
                .family("queen_worker_dlq_per_minute", "gauge", "Messages sent to the DLQ in the latest minute")
                .family("queen_worker_metrics_age_seconds", "gauge", "Seconds since the worker's metrics were written");
        return t;
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
