package io.queen.jobs;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Positions of the background walks over all partitions (queen.job_walks). A job that must
 * look at every partition takes a bounded slice per run and resumes at the next run, so its
 * cost per run does not grow with the partition count; the position lives in the database so
 * that a restart, or another server taking the jobs over, carries on instead of starting over.
 */
final class JobWalks {
    private static final String POSITION = SqlFiles.query("job_walk_position");
    private static final String SAVE = SqlFiles.query("job_walk_save_position");
    private static final String SLICE = SqlFiles.query("partition_slice");

    /** Work on one slice: the partitions after {@code after} (null: from the first) up to {@code upTo}. */
    interface SliceWork {
        Future<Long> run(UUID after, UUID upTo);
    }

    private JobWalks() {
    }

    /** Sorts before every partition id: a walk's start as one range condition. */
    static final UUID START = new UUID(0, 0);

    /** {@code after}, or {@link #START} for null. */
    static UUID from(UUID after) {
        return after == null ? START : after;
    }

    /** The last partition walk {@code name} looked at; null: start from the beginning. */
    static Future<UUID> position(SqlConnection conn, String name) {
        return conn.preparedQuery(POSITION).execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
    }

    /** Remembers where walk {@code name} continues; null: from the beginning. */
    static Future<Void> save(SqlConnection conn, String name, UUID after) {
        return conn.preparedQuery(SAVE).execute(Tuple.of(name, after)).mapEmpty();
    }

    /**
     * Runs {@code work} on consecutive slices of walk {@code name}, {@code sliceSize}
     * partitions each, from where the walk stopped the previous time, until {@code budget}
     * partitions were covered, the walk reached the last partition (it starts over next time)
     * or {@code stopping} says so; then remembers where to go on (a slice after which stopping
     * turned true is looked at again next time). Answers the sum of the work's answers.
     */
    static Future<Long> slices(SqlConnection conn, String name, int sliceSize, int budget,
                               BooleanSupplier stopping, SliceWork work) {
        return position(conn, name).compose(after -> next(conn, name, after, sliceSize, budget, stopping, work, 0));
    }

    private static Future<Long> next(SqlConnection conn, String name, UUID after, int sliceSize, int left,
                                     BooleanSupplier stopping, SliceWork work, long total) {
        if (left <= 0 || stopping.getAsBoolean()) {
            return save(conn, name, after).map(total);
        }
        return conn.preparedQuery(SLICE).execute(Tuple.of(from(after), sliceSize)).compose(rows -> {
            Row row = rows.iterator().next();
            int partitions = row.getInteger("partitions");
            if (partitions == 0) {
                return save(conn, name, null).map(total);
            }
            UUID upTo = row.getUUID("last_partition");
            return work.run(after, upTo).compose(done -> {
                if (stopping.getAsBoolean()) {
                    // the work may have stopped inside this slice: the next run looks at it again
                    return save(conn, name, after).map(total + done);
                }
                return partitions < sliceSize
                        ? save(conn, name, null).map(total + done)
                        : next(conn, name, upTo, sliceSize, left - partitions, stopping, work, total + done);
            });
        });
    }
}
