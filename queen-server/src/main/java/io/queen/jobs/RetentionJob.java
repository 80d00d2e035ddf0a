package io.queen.jobs;

import io.queen.config.QueenConfig;
import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
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
    /**
     * Partitions the cleanup looks at per cycle: a slice of a walk over all of them that
     * resumes next cycle, so a cycle costs the same at a million partitions as at a thousand
     * (a partition is deleted after days of idleness; a walk taking a few cycles is no delay).
     */
    private static final int CLEANUP_SCAN_PER_CYCLE = 50_000;
    private static final String CLEANUP_WALK = "partition_cleanup";
    /**
     * Message retention walks the partitions in slices, at most SCAN_PER_CYCLE partitions a
     * cycle (all of them up to that many): what a cycle costs does not grow with the partition
     * count, and above it a message is deleted within a few cycles of its due time.
     */
    private static final int SLICE = 10_000;
    private static final int SCAN_PER_CYCLE = 100_000;
    private static final String RETENTION_WALK = "retention";

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
        return JobWalks.slices(conn, RETENTION_WALK, SLICE, SCAN_PER_CYCLE, stopping,
                        (after, upTo) -> deletes.all(EXPIRED, RETENTION, batchSize, after, upTo)
                                .compose(v -> deletes.all(COMPLETED, COMPLETED_RETENTION, batchSize, after, upTo)))
                // before the partition cleanup, which may remove partitions that were just emptied
                .compose(v -> tally.record(conn))
                .compose(v -> inactivePartitions(conn))
                .compose(deleted -> {
                    counts.partitions = deleted;
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

    /** One slice of the inactive-partition walk; answers how many partitions it deleted. */
    private Future<Long> inactivePartitions(SqlConnection conn) {
        return JobWalks.position(conn, CLEANUP_WALK).compose(at -> at.end() == null
                ? Future.succeededFuture(0L)
                : conn.preparedQuery(INACTIVE_PARTITIONS)
                        .execute(Tuple.of(at.after(), at.end(), CLEANUP_SCAN_PER_CYCLE, partitionCleanupDays,
                                PARTITIONS_PER_CYCLE))
                        .compose(rows -> {
                            Row row = rows.iterator().next();
                            UUID next = row.getUUID("last_partition");
                            return JobWalks.save(conn, CLEANUP_WALK,
                                            new JobWalks.Position(next, next == null ? null : at.end()))
                                    .map(v -> (long) row.getInteger("deleted"));
                        }));
    }

    private Future<Long> prune(SqlConnection conn, String sql, BooleanSupplier stopping) {
        return MessageDeletes.repeat(() -> conn.preparedQuery(sql)
                        .execute(Tuple.of(metricsRetentionDays, batchSize))
                        .map(rows -> rows.rowCount()),
                batchSize, stopping, 0);
    }
}
