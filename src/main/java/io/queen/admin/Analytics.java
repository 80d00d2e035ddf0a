package io.queen.admin;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/**
 * Reads of the per-minute metrics tables for the analytics endpoints (spec 3.12). Each call
 * is one statement over a time window; the rows go to the HTTP layer as they are.
 */
public final class Analytics {
    private static final String WORKER_SERIES = SqlFiles.query("analytics_worker_series");
    private static final String WORKER_LIST = SqlFiles.query("analytics_worker_list");
    private static final String QUEUE_OPS = SqlFiles.query("analytics_queue_ops");
    private static final String QUEUE_TOTALS = SqlFiles.query("analytics_queue_totals");
    private static final String PARKED_REPLICAS = SqlFiles.query("analytics_parked_replicas");
    private static final String SYSTEM_METRICS = SqlFiles.query("analytics_system_metrics");

    private final SqlClient db;

    public Analytics(SqlClient db) {
        this.db = db;
    }

    /** Worker metrics per bucket, summed over the workers that match (null filters: all). */
    public Future<RowSet<Row>> workerSeries(OffsetDateTime from, OffsetDateTime to, int bucketMinutes,
                                            String hostname, Integer workerId) {
        return db.preparedQuery(WORKER_SERIES).execute(Tuple.of(from, to, bucketMinutes, hostname, workerId));
    }

    /** Each matching worker's totals over the window. */
    public Future<RowSet<Row>> workers(OffsetDateTime from, OffsetDateTime to, String hostname, Integer workerId) {
        return db.preparedQuery(WORKER_LIST).execute(Tuple.of(from, to, hostname, workerId));
    }

    /** Per queue and bucket: the queue_lag_metrics counters. */
    public Future<RowSet<Row>> queueOps(OffsetDateTime from, OffsetDateTime to, int bucketMinutes, String queue) {
        return db.preparedQuery(QUEUE_OPS).execute(Tuple.of(from, to, bucketMinutes, queue));
    }

    /** Per queue: the counters over the whole window. */
    public Future<RowSet<Row>> queueTotals(OffsetDateTime from, OffsetDateTime to, String queue) {
        return db.preparedQuery(QUEUE_TOTALS).execute(Tuple.of(from, to, queue));
    }

    /** Parked long-polls per queue, replica worker and bucket. */
    public Future<RowSet<Row>> parkedReplicas(OffsetDateTime from, OffsetDateTime to, int bucketMinutes,
                                              String queue) {
        return db.preparedQuery(PARKED_REPLICAS).execute(Tuple.of(from, to, bucketMinutes, queue));
    }

    /** system_metrics per replica and bucket, the minute rows merged. */
    public Future<RowSet<Row>> systemMetrics(OffsetDateTime from, OffsetDateTime to, int bucketMinutes,
                                             String hostname, String workerId) {
        return db.preparedQuery(SYSTEM_METRICS).execute(Tuple.of(from, to, bucketMinutes, hostname, workerId));
    }
}
