package io.queen.jobs;

import io.queen.config.QueenConfig;
import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.data.Interval;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The statistics job (spec 1.22, 2.13): keeps queen.stats and queen.stats_history current for
 * the dashboard. The fast path refreshes the partitions on the work list (queen.stats_dirty:
 * listed by pushes, and by the job itself from the indexed traces consumers leave), at most
 * {@link #FAST_PATH_CHUNKS} chunks a cycle, oldest first; the reconcile walks every partition
 * in id order and removes rows of vanished groups: a scheduled one a bounded slice per run,
 * resuming where the previous slice stopped, a forced one all the way. Neither looks at a
 * partition nobody touched, so a cycle costs what the traffic costs, however many partitions
 * there are. Both then roll the partition rows up into queue, namespace, task and system rows
 * and snapshot those into this minute's history bucket; the fast path also writes the queues'
 * partition counts (created, deleted, total) into this minute's queue_lag_metrics rows.
 * Partitions are refreshed in chunks, each chunk one statement and its own short transaction.
 * The SQL reads messages and consumers without locking them, writes only the stats tables and
 * key-share locks (without waiting) the queues and partitions its rows refer to, which no
 * push, pop or ack conflicts with: the hot path never waits for it.
 */
final class StatsJob {
    private static final Logger LOG = LoggerFactory.getLogger(StatsJob.class);
    private static final String MARK_ACTIVITY = SqlFiles.query("stats_mark_activity");
    private static final String TAKE_DIRTY = SqlFiles.query("stats_take_dirty");
    private static final String REFRESH_LISTED = SqlFiles.query("stats_refresh_listed");
    private static final String MARK_DIRTY = SqlFiles.query("stats_mark_dirty");
    private static final String WALK = SqlFiles.query("stats_refresh_walk");
    private static final String ROLLUP = SqlFiles.query("stats_rollup");
    private static final String REBUILD_SUMS = SqlFiles.query("stats_rebuild_sums");
    private static final String SNAPSHOT = SqlFiles.query("stats_history_snapshot");
    private static final String PRUNE = SqlFiles.query("stats_history_prune");
    private static final String RECENT = SqlFiles.query("stats_reconcile_recent");
    private static final String FINISHED = SqlFiles.query("stats_reconcile_finished");
    private static final String PARTITION_COUNTS = SqlFiles.query("queue_partition_counts");

    /** Partitions per refresh statement. */
    private static final int PARTITIONS_PER_CHUNK = 500;
    /** The fast path refreshes at most this many chunks per cycle; the rest waits for the next. */
    private static final int FAST_PATH_CHUNKS = 20;
    /** A scheduled reconcile refreshes at most this many chunks per run, then resumes next run. */
    private static final int RECONCILE_CHUNKS_PER_RUN = 20;
    /** A scheduled reconcile is skipped when one finished this recently (a forced one never is). */
    private static final long DEBOUNCE_MS = 5000;
    /** Look-back for writes that were not yet committed when the previous compute read. */
    private static final Interval ACTIVITY_MARGIN = Interval.of(0, 0, 0, 0, 0, 5);
    private static final int PRUNE_BATCH = 1000;
    private static final String RECONCILE_WALK = "stats_reconcile";

    private final int historyRetentionDays;

    StatsJob(QueenConfig config) {
        this.historyRetentionDays = config.statsHistoryRetentionDays;
    }

    /** Rows written and removed by one part of a run, and where a walk got to. */
    private static final class Counts {
        long partitions;
        long written;
        long removed;
        UUID last;
        UUID end;
        boolean walkEnded;

        void add(int refreshed, Row row) {
            partitions += refreshed;
            written += row.getInteger("written");
            removed += row.getInteger("removed");
        }
    }

    Future<Void> fastPath(SqlConnection conn, BooleanSupplier stopping) {
        Counts partitions = new Counts();
        return conn.preparedQuery(MARK_ACTIVITY).execute(Tuple.of(ACTIVITY_MARGIN))
                .compose(v -> listed(conn, partitions, stopping, FAST_PATH_CHUNKS))
                .compose(v -> rollUp(conn, new JsonObject(), false))
                .compose(v -> conn.query(SNAPSHOT).execute())
                .compose(v -> conn.query(PARTITION_COUNTS).execute())
                .map(v -> {
                    LOG.debug("Stats: refreshed {} active partition(s)", partitions.partitions);
                    return null;
                });
    }

    /**
     * Refreshes chunks taken off the work list while they come back full, at most {@code left}.
     * A chunk whose refresh fails goes back on the list before the failure is passed on.
     */
    private static Future<Void> listed(SqlConnection conn, Counts counts, BooleanSupplier stopping, int left) {
        if (left == 0 || stopping.getAsBoolean()) {
            return Future.succeededFuture();
        }
        return conn.preparedQuery(TAKE_DIRTY).execute(Tuple.of(PARTITIONS_PER_CHUNK)).compose(rows -> {
            UUID[] ids = rows.iterator().next().getArrayOfUUIDs(0);
            if (ids.length == 0) {
                return Future.succeededFuture();
            }
            return conn.preparedQuery(REFRESH_LISTED).execute(Tuple.of(ids, ACTIVITY_MARGIN))
                    .recover(failure -> conn.preparedQuery(MARK_DIRTY).execute(Tuple.of((Object) ids))
                            .transform(ignored -> Future.failedFuture(failure)))
                    .compose(refreshed -> {
                        counts.add(ids.length, refreshed.iterator().next());
                        return ids.length < PARTITIONS_PER_CHUNK
                                ? Future.succeededFuture()
                                : listed(conn, counts, stopping, left - 1);
                    });
        });
    }

    /**
     * A forced reconcile refreshes everything; a scheduled one the next slice of the walk
     * (and the history cleanup once the walk is through). Answers what it did ({partition,
     * queue, namespace, task, system, history, cleanup, durationMs}; a slice's partition part
     * also says {complete}), or {skipped:true, reason:"recently_reconciled"} when a scheduled
     * run would start a new walk less than 5 s after another finished.
     */
    Future<JsonObject> reconcile(SqlConnection conn, boolean forced, BooleanSupplier stopping) {
        long started = System.nanoTime();
        Future<JobWalks.Position> from = forced
                ? JobWalks.freshPass(conn)
                : JobWalks.position(conn, RECONCILE_WALK);
        return from.compose(at -> {
            Future<Boolean> recent = forced || at.after() != null
                    ? Future.succeededFuture(false)
                    : conn.preparedQuery(RECENT).execute(Tuple.of(DEBOUNCE_MS))
                            .map(rows -> rows.iterator().next().getBoolean(0));
            return recent.compose(skip -> skip
                    ? Future.succeededFuture(new JsonObject().put("skipped", true).put("reason", "recently_reconciled"))
                    : walk(conn, at, forced ? Integer.MAX_VALUE : RECONCILE_CHUNKS_PER_RUN, !forced, stopping,
                            started));
        });
    }

    private Future<JsonObject> walk(SqlConnection conn, JobWalks.Position at, int chunks, boolean savePosition,
                                    BooleanSupplier stopping, long started) {
        JsonObject result = new JsonObject();
        Counts partitions = new Counts();
        partitions.last = at.after();
        partitions.end = at.end();
        partitions.walkEnded = at.end() == null;
        return (partitions.walkEnded ? Future.<Void>succeededFuture() : chunks(conn, partitions, stopping, chunks))
                .compose(v -> savePosition
                        ? JobWalks.save(conn, RECONCILE_WALK, partitions.walkEnded
                                ? new JobWalks.Position(null, null) : new JobWalks.Position(partitions.last, at.end()))
                        : Future.succeededFuture())
                .compose(v -> {
                    result.put("partition", new JsonObject().put("partitions", partitions.partitions)
                            .put("written", partitions.written).put("removed", partitions.removed)
                            .put("complete", partitions.walkEnded).put("durationMs", elapsedMs(started)));
                    // a complete walk also recomputes what the refreshes keep up incrementally
                    return partitions.walkEnded
                            ? conn.query(REBUILD_SUMS).execute().compose(r -> rollUp(conn, result, true))
                            : rollUp(conn, result, false);
                })
                .compose(v -> conn.query(SNAPSHOT).execute())
                .compose(rows -> {
                    result.put("history", new JsonObject().put("written", rows.rowCount()));
                    return !partitions.walkEnded
                            ? Future.succeededFuture(0L)
                            : MessageDeletes.repeat(() -> conn.preparedQuery(PRUNE)
                                    .execute(Tuple.of(historyRetentionDays, PRUNE_BATCH))
                                    .map(r -> r.rowCount()), PRUNE_BATCH, stopping, 0);
                })
                .compose(pruned -> {
                    long staleRollups = 0;
                    for (String level : new String[]{"queue", "namespace", "task", "system"}) {
                        staleRollups += result.getJsonObject(level).getLong("removed");
                    }
                    result.put("cleanup", new JsonObject().put("orphanPartitionRows", partitions.removed)
                            .put("staleRollupRows", staleRollups).put("historyRows", pruned));
                    return partitions.walkEnded ? conn.query(FINISHED).execute().mapEmpty() : Future.succeededFuture();
                })
                .map(v -> {
                    long ms = elapsedMs(started);
                    LOG.debug("Stats reconcile: {} partition(s) in {} ms{}", partitions.partitions, ms,
                            partitions.walkEnded ? ", walk complete" : "");
                    return result.put("durationMs", ms);
                });
    }

    /**
     * Runs the walk statement from where the previous chunk stopped while chunks come back
     * full, at most {@code left} times, adding up their counts; a chunk that comes back short
     * ends the walk.
     */
    private static Future<Void> chunks(SqlConnection conn, Counts counts, BooleanSupplier stopping, int left) {
        if (left == 0 || stopping.getAsBoolean()) {
            return Future.succeededFuture();
        }
        Tuple args = Tuple.of(counts.last, counts.end, PARTITIONS_PER_CHUNK);
        return conn.preparedQuery(WALK).execute(args).compose(rows -> {
            Row row = rows.iterator().next();
            counts.add(row.getInteger("partitions"), row);
            counts.last = row.getUUID("last_partition");
            if (row.getInteger("partitions") < PARTITIONS_PER_CHUNK || counts.end.equals(counts.last)) {
                counts.walkEnded = true;
                return Future.succeededFuture();
            }
            return chunks(conn, counts, stopping, left - 1);
        });
    }

    /** The roll-up statement; puts {written, removed} per level into {@code result}. */
    private static Future<Void> rollUp(SqlConnection conn, JsonObject result, boolean fullMedian) {
        return conn.preparedQuery(ROLLUP).execute(Tuple.of(fullMedian)).map(rows -> {
            for (Row row : rows) {
                result.put(row.getString("level"), new JsonObject()
                        .put("written", row.getInteger("written")).put("removed", row.getInteger("removed")));
            }
            return null;
        });
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
