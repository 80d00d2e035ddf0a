package io.queen.jobs;

import io.queen.config.QueenConfig;
import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * Max-wait-time eviction (spec 1.16, 2.13): deletes messages that waited longer than their
 * queue's maxWaitTimeSeconds without being consumed, at most EVICTION_BATCH_SIZE per cycle,
 * like the reference (it deletes; its docs' "moved to the DLQ" is not what it does).
 */
final class EvictionJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(EvictionJob.class);
    private static final String EVICT = SqlFiles.query("eviction");

    static final String MAX_WAIT_TIME_EVICTION = "max_wait_time_eviction";
    /**
     * Eviction walks the partitions in slices, at most SCAN_PER_CYCLE a cycle (see
     * RetentionJob): the cost of a cycle does not grow with the partition count.
     */
    private static final int SLICE = 10_000;
    private static final int SCAN_PER_CYCLE = 100_000;
    private static final String WALK = "eviction";

    private final int batchSize;

    EvictionJob(QueenConfig config) {
        this.batchSize = config.evictionBatchSize;
    }

    @Override
    public Future<Void> run(SqlConnection conn, BooleanSupplier stopping) {
        Tally tally = new Tally();
        MessageDeletes deletes = new MessageDeletes(conn, tally, stopping);
        // at most one batch a cycle, as before, over as many slices as it takes to fill it
        int[] left = {batchSize};
        return JobWalks.slices(conn, WALK, SLICE, SCAN_PER_CYCLE, () -> stopping.getAsBoolean() || left[0] == 0,
                        (after, upTo) -> deletes.batch(EVICT, MAX_WAIT_TIME_EVICTION, left[0], after, upTo)
                                .map(n -> {
                                    left[0] -= n;
                                    return (long) n;
                                }))
                .compose(deleted -> tally.record(conn).map(deleted))
                .map(deleted -> {
                    if (deleted > 0) {
                        LOG.info("Eviction: deleted {} message(s) past their queue's max wait time", deleted);
                    }
                    return null;
                });
    }
}
