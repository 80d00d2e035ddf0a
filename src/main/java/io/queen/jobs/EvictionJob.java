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

    private final int batchSize;

    EvictionJob(QueenConfig config) {
        this.batchSize = config.evictionBatchSize;
    }

    @Override
    public Future<Void> run(SqlConnection conn, BooleanSupplier stopping) {
        Tally tally = new Tally();
        return new MessageDeletes(conn, tally, stopping).batch(EVICT, MAX_WAIT_TIME_EVICTION, batchSize)
                .compose(deleted -> tally.record(conn).map(deleted))
                .map(deleted -> {
                    if (deleted > 0) {
                        LOG.info("Eviction: deleted {} message(s) past their queue's max wait time", deleted);
                    }
                    return null;
                });
    }
}
