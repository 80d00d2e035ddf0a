package io.queen.jobs;

import io.queen.config.QueenConfig;
import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * Retention (spec 1.16, 2.13): expired messages of queues with retentionSeconds, consumed
 * messages past completedRetentionSeconds, empty partitions idle for PARTITION_CLEANUP_DAYS,
 * and metrics rows (ack log, retention history, per-minute worker/queue/system metrics) older
 * than METRICS_RETENTION_DAYS. Every delete is a batch of
 * RETENTION_BATCH_SIZE rows in its own transaction.
 */
final class RetentionJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    private static final String EXPIRED = SqlFiles.query("retention_expired");
    private static final String COMPLETED = SqlFiles.query("retention_completed");
    private static final String INACTIVE_PARTITIONS = SqlFiles.query("delete_inactive_partitions");
    private static final String PRUNE_ACK_LOG = SqlFiles.query("prune_messages_consumed");
    private static final String PRUNE_HISTORY = SqlFiles.query("prune_retention_history");
    /** worker, queue, parked long-poll and system metrics rows (V007 prune_metrics_v1). */
    private static final String PRUNE_METRICS = SqlFiles.query("prune_metrics");
    /** Partitions deleted per cycle at most, as in the reference. */
    private static final int PARTITIONS_PER_CYCLE = 1000;

    static final String RETENTION = "retention";
    static final String COMPLETED_RETENTION = "completed_retention";

    private final int batchSize;
    private final int partitionCleanupDays;
    private final int metricsRetentionDays;

    RetentionJob(QueenConfig config) {
        this.batchSize = config.retentionBatchSize;
        this.partitionCleanupDays = config.partitionCleanupDays;
        this.metricsRetentionDays = config.metricsRetentionDays;
    }

    /** What one cycle deleted. */
    private static final class Counts {
        long partitions;
        long ackLogRows;
        long historyRows;
        long metricsRows;
    }

    @Override
    public Future<Void> run(SqlConnection conn, BooleanSupplier stopping) {
        Tally tally = new Tally();
        MessageDeletes deletes = new MessageDeletes(conn, tally, stopping);
        Counts counts = new Counts();
        return deletes.all(EXPIRED, RETENTION, batchSize)
                .compose(v -> deletes.all(COMPLETED, COMPLETED_RETENTION, batchSize))
                // before the partition cleanup, which may remove partitions that were just emptied
                .compose(v -> tally.record(conn))
                .compose(v -> conn.preparedQuery(INACTIVE_PARTITIONS)
                        .execute(Tuple.of(partitionCleanupDays, PARTITIONS_PER_CYCLE)))
                .compose(rows -> {
                    counts.partitions = rows.iterator().next().getInteger("deleted");
                    return prune(conn, PRUNE_ACK_LOG, stopping);
                })
                .compose(n -> {
                    counts.ackLogRows = n;
                    return prune(conn, PRUNE_HISTORY, stopping);
                })
                .compose(n -> {
                    counts.historyRows = n;
                    return MessageDeletes.repeat(() -> conn.preparedQuery(PRUNE_METRICS)
                                    .execute(Tuple.of(metricsRetentionDays, batchSize))
                                    .map(rows -> rows.iterator().next().getInteger("deleted")),
                            batchSize, stopping, 0);
                })
                .map(n -> {
                    counts.metricsRows = n;
                    long expired = tally.total(RETENTION);
                    long completed = tally.total(COMPLETED_RETENTION);
                    if (expired + completed + counts.partitions + counts.ackLogRows + counts.historyRows
                            + counts.metricsRows > 0) {
                        LOG.info("Retention: deleted {} expired and {} completed message(s), {} inactive "
                                        + "partition(s), {} ack-log, {} retention-history and {} metrics row(s)",
                                expired, completed, counts.partitions, counts.ackLogRows, counts.historyRows,
                                counts.metricsRows);
                    }
                    return null;
                });
    }

    private Future<Long> prune(SqlConnection conn, String sql, BooleanSupplier stopping) {
        return MessageDeletes.repeat(() -> conn.preparedQuery(sql)
                        .execute(Tuple.of(metricsRetentionDays, batchSize))
                        .map(rows -> rows.rowCount()),
                batchSize, stopping, 0);
    }
}
