package io.queen.jobs;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs the jobs' message deletes: one batch per statement (its own short transaction),
 * counted in a {@link Tally}, and each batch followed by a partition_lookup trim so that the
 * lookup never keeps pointing at a message that is gone.
 */
final class MessageDeletes {
    private static final String TRIM = SqlFiles.query("trim_partition_lookup");

    private final SqlClient db;
    private final Tally tally;
    private final BooleanSupplier stopping;

    MessageDeletes(SqlClient db, Tally tally, BooleanSupplier stopping) {
        this.db = db;
        this.tally = tally;
        this.stopping = stopping;
    }

    /**
     * One batch of the delete statement {@code sql} (parameters: $1 the batch size, $2 and $3
     * the slice of partitions, see {@link JobWalks}); answers the count.
     */
    Future<Integer> batch(String sql, String type, int batchSize, UUID after, UUID upTo) {
        return db.preparedQuery(sql).execute(Tuple.of(batchSize, after, upTo)).compose(rows -> {
            List<UUID> partitions = new ArrayList<>(rows.size());
            int deleted = 0;
            for (Row row : rows) {
                UUID partition = row.getUUID("partition_id");
                int n = row.getInteger("deleted");
                tally.add(type, partition, n);
                partitions.add(partition);
                deleted += n;
            }
            if (partitions.isEmpty()) {
                return Future.succeededFuture(deleted);
            }
            int total = deleted;
            return db.preparedQuery(TRIM).execute(Tuple.of((Object) partitions.toArray(new UUID[0])))
                    .map(total);
        });
    }

    /**
     * Batches of {@code sql} on one slice of partitions until one comes back short (or the
     * server stops); answers the total.
     */
    Future<Long> all(String sql, String type, int batchSize, UUID after, UUID upTo) {
        return repeat(() -> batch(sql, type, batchSize, after, upTo), batchSize, stopping, 0);
    }

    /** Runs {@code batch} again while it deletes a full batch; answers the total. */
    static Future<Long> repeat(Supplier<Future<Integer>> batch, int batchSize, BooleanSupplier stopping, long total) {
        if (stopping.getAsBoolean()) {
            return Future.succeededFuture(total);
        }
        return batch.get().compose(n -> n < batchSize
                ? Future.succeededFuture(total + n)
                : repeat(batch, batchSize, stopping, total + n));
    }
}
