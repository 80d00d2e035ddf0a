package io.queen.admin;

import io.queen.db.SqlFiles;
import io.queen.metrics.CounterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/**
 * Reads of the per-minute metrics tables for the analytics endpoints (spec 3.12). Each call
 * is one statement over a time window (series and totals in one pass where an endpoint
 * needs both); the rows go to the HTTP layer as they are.
 */
public final class Analytics {
    private static final String WORKER_METRICS = CounterSql.query("analytics_worker_metrics");
    private static final String QUEUE_OPS = CounterSql.query("analytics_queue_ops");
    private static final String PARKED_REPLICAS = SqlFiles.query("analytics_parked_replicas");
    private static final String SYSTEM_METRICS = SqlFiles.query("analytics_system_metrics");
    private static final String DEPTH = SqlFiles.query("analytics_depth");

    private final SqlClient db;

    public Analytics(SqlClient db) {
        this.db = db;
    }

    /**
     * Worker metrics of the matching workers (null filters: all): rows with {@code is_bucket}
     * per bucket summed over the workers, the others one per worker over the window.
     */
    public Future<RowSet<Row>> workerMetrics(OffsetDateTime from, OffsetDateTime to, int bucketMinutes,
                                             String hostname, Integer workerId) {
        return db.preparedQuery(WORKER_METRICS).execute(Tuple.of(from, to, hostname, workerId, bucketMinutes));
    }

    /** queue_lag_metrics counters: rows with {@code is_bucket} per queue and bucket, the others per queue. */
    public Future<RowSet<Row>> queueOps(OffsetDateTime from, OffsetDateTime to, int bucketMinutes, String queue) {
        return db.preparedQuery(QUEUE_OPS).execute(Tuple.of(from, to, queue, bucketMinutes));
    }

    /** Parked long-polls per queue, replica worker and bucket. */
    public Future<RowSet<Row>> parkedReplicas(OffsetDateTime from, OffsetDateTime to, int bucketMinutes,
                                              String queue) {
        return db.preparedQuery(PARKED_REPLICAS).execute(Tuple.of(from, to, bucketMinutes, queue));
    }

    /** Pending, processing and dead letters per bucket, of the whole system or one queue (stats snapshots). */
    public Future<RowSet<Row>> depth(OffsetDateTime from, OffsetDateTime to, int bucketMinutes, String queue) {
        return db.preparedQuery(DEPTH).execute(Tuple.of(from, to, queue, bucketMinutes));
    }

    /** system_metrics per replica and bucket, the minute rows merged. */
    public Future<RowSet<Row>> systemMetrics(OffsetDateTime from, OffsetDateTime to, int bucketMinutes,
                                             String hostname, String workerId) {
        return db.preparedQuery(SYSTEM_METRICS).execute(Tuple.of(from, to, bucketMinutes, hostname, workerId));
    }
}
