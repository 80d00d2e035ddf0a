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
 * A pass ends at the partition that was last in id order when it began: partitions created
 * since sort after it (time-ordered ids), and a steady stream of them would otherwise keep the
 * pass from ever ending.
 */
final class JobWalks {
    private static final String POSITION = SqlFiles.query("job_walk_position");
    private static final String SAVE = SqlFiles.query("job_walk_save_position");
    private static final String SLICE = SqlFiles.query("partition_slice");
    private static final String LAST = SqlFiles.query("partition_last");

    /** Sorts before every partition id: a walk's start as one range condition. */
    static final UUID START = new UUID(0, 0);

    /**
     * Where a walk stands.
     *
     * @param after the last partition looked at; null at the start of a pass
     * @param end   the last partition of this pass; null when there were no partitions
     */
    record Position(UUID after, UUID end) {
        UUID from() {
            return after == null ? START : after;
        }
    }

    /** Work on one slice: the partitions after {@code after} ({@link #START}: from the first) up to {@code upTo}. */
    interface SliceWork {
        Future<Long> run(UUID after, UUID upTo);
    }

    private JobWalks() {
    }

    /** Where walk {@code name} goes on, or a new pass over the partitions there are now. */
    static Future<Position> position(SqlConnection conn, String name) {
        return conn.preparedQuery(POSITION).execute(Tuple.of(name)).map(rows -> {
            Row row = rows.iterator().next();
            UUID after = row.getUUID("resume_after");
            return after != null && row.getUUID("pass_end") != null
                    ? new Position(after, row.getUUID("pass_end"))
                    : new Position(null, row.getUUID("last_partition"));
        });
    }

    /** A pass over the partitions there are now, from the first (a forced run's; nothing saved). */
    static Future<Position> freshPass(SqlConnection conn) {
        return conn.query(LAST).execute()
                .map(rows -> new Position(null, rows.size() == 0 ? null : rows.iterator().next().getUUID(0)));
    }

    /** Remembers where walk {@code name} goes on; an {@code after} of null ends the pass. */
    static Future<Void> save(SqlConnection conn, String name, Position position) {
        return conn.preparedQuery(SAVE).execute(Tuple.of(name, position.after(), position.end())).mapEmpty();
    }

    /**
     * Runs {@code work} on consecutive slices of walk {@code name}, {@code sliceSize}
     * partitions each, from where the walk stopped the previous time, until {@code budget}
     * partitions were covered, the pass ended (a new one starts next time) or {@code stopping}
     * says so; then remembers where to go on (a slice after which stopping turned true is
     * looked at again next time). Answers the sum of the work's answers.
     */
    static Future<Long> slices(SqlConnection conn, String name, int sliceSize, int budget,
                               BooleanSupplier stopping, SliceWork work) {
        return position(conn, name).compose(p -> next(conn, name, p, sliceSize, budget, stopping, work, 0));
    }

    private static Future<Long> next(SqlConnection conn, String name, Position at, int sliceSize, int left,
                                     BooleanSupplier stopping, SliceWork work, long total) {
        if (at.end() == null) {
            return save(conn, name, new Position(null, null)).map(total);
        }
        if (left <= 0 || stopping.getAsBoolean()) {
            return save(conn, name, at).map(total);
        }
        return conn.preparedQuery(SLICE).execute(Tuple.of(at.from(), sliceSize, at.end())).compose(rows -> {
            Row row = rows.iterator().next();
            int partitions = row.getInteger("partitions");
            if (partitions == 0) {
                return save(conn, name, new Position(null, null)).map(total);
            }
            UUID upTo = row.getUUID("last_partition");
            return work.run(at.from(), upTo).compose(done -> {
                if (stopping.getAsBoolean()) {
                    // the work may have stopped inside this slice: the next run looks at it again
                    return save(conn, name, at).map(total + done);
                }
                return partitions < sliceSize || upTo.equals(at.end())
                        ? save(conn, name, new Position(null, null)).map(total + done)
                        : next(conn, name, new Position(upTo, at.end()), sliceSize, left - partitions, stopping,
                                work, total + done);
            });
        });
    }
}
