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
import java.util.function.Function;

/**
 * The statistics job (spec 1.22, 2.13): keeps queen.stats and queen.stats_history current for
 * the dashboard. The fast path refreshes the partitions with activity since their last
 * compute; the reconcile refreshes every partition and removes rows of vanished groups. Both
 * then roll the partition rows up into queue, namespace, task and system rows and snapshot
 * those into this minute's history bucket; the fast path also writes the queues' partition
 * counts (created, deleted, total) into this minute's queue_lag_metrics rows. Partitions are refreshed in chunks, each chunk one
 * statement and its own short transaction, so a large database costs many small steps, never
 * one long one. The SQL reads messages and consumers without locking them, writes only the
 * stats tables and key-share locks (without waiting) the queues and partitions its rows refer
 * to, which no push, pop or ack conflicts with: the hot path never waits for it.
 */
final class StatsJob {
    private static final Logger LOG = LoggerFactory.getLogger(StatsJob.class);
    private static final String CHUNK = SqlFiles.query("stats_refresh_chunk");
    private static final String ROLLUP = SqlFiles.query("stats_rollup");
    private static final String SNAPSHOT = SqlFiles.query("stats_history_snapshot");
    private static final String PRUNE = SqlFiles.query("stats_history_prune");
    private static final String RECENT = SqlFiles.query("stats_reconcile_recent");
    private static final String FINISHED = SqlFiles.query("stats_reconcile_finished");
    private static final String PARTITION_COUNTS = SqlFiles.query("queue_partition_counts");

    /** Partitions per refresh statement. */
    private static final int PARTITIONS_PER_CHUNK = 500;
    /** The fast path refreshes at most this many chunks per cycle; the rest waits for the next. */
    private static final int FAST_PATH_CHUNKS = 20;
    /** A scheduled reconcile is skipped when one finished this recently (a forced one never is). */
    private static final long DEBOUNCE_MS = 5000;
    /** Look-back for writes that were not yet committed when the previous compute read. */
    private static final Interval ACTIVITY_MARGIN = Interval.of(0, 0, 0, 0, 0, 5);
    private static final int PRUNE_BATCH = 1000;

    private final int historyRetentionDays;

    StatsJob(QueenConfig config) {
        this.historyRetentionDays = config.statsHistoryRetentionDays;
    }

    /** Rows written and removed by one part of a run. */
    private static final class Counts {
        long partitions;
        long written;
        long removed;

        void add(Row row) {
            partitions += row.getInteger("partitions");
            written += row.getInteger("written");
            removed += row.getInteger("removed");
        }
    }

    Future<Void> fastPath(SqlConnection conn, BooleanSupplier stopping) {
        Counts partitions = new Counts();
        // the active partitions are not in id order: every chunk asks for the next active ones
        return chunks(conn, after -> Tuple.of(null, PARTITIONS_PER_CHUNK, ACTIVITY_MARGIN), null, partitions,
                stopping, FAST_PATH_CHUNKS)
                .compose(v -> rollUp(conn, new JsonObject()))
                .compose(v -> conn.query(SNAPSHOT).execute())
                .compose(v -> conn.query(PARTITION_COUNTS).execute())
                .map(v -> {
                    LOG.debug("Stats: refreshed {} active partition(s)", partitions.partitions);
                    return null;
                });
    }

    /**
     * Refreshes everything; answers what it did ({partition, queue, namespace, task, system,
     * history, cleanup, durationMs}), or {skipped:true, reason:"recently_reconciled"} when not
     * forced and another reconcile finished less than 5 s ago.
     */
    Future<JsonObject> reconcile(SqlConnection conn, boolean forced, BooleanSupplier stopping) {
        long started = System.nanoTime();
        Future<Boolean> recent = forced
                ? Future.succeededFuture(false)
                : conn.preparedQuery(RECENT).execute(Tuple.of(DEBOUNCE_MS)).map(rows -> rows.iterator().next().getBoolean(0));
        return recent.compose(skip -> {
            if (skip) {
                return Future.succeededFuture(new JsonObject().put("skipped", true).put("reason", "recently_reconciled"));
            }
            JsonObject result = new JsonObject();
            Counts partitions = new Counts();
            return chunks(conn, after -> Tuple.of(after, PARTITIONS_PER_CHUNK, null), null, partitions, stopping,
                    Integer.MAX_VALUE)
                    .compose(v -> {
                        result.put("partition", new JsonObject().put("partitions", partitions.partitions)
                                .put("written", partitions.written).put("removed", partitions.removed)
                                .put("durationMs", elapsedMs(started)));
                        return rollUp(conn, result);
                    })
                    .compose(v -> conn.query(SNAPSHOT).execute())
                    .compose(rows -> {
                        result.put("history", new JsonObject().put("written", rows.rowCount()));
                        return MessageDeletes.repeat(() -> conn.preparedQuery(PRUNE)
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
                        return conn.query(FINISHED).execute();
                    })
                    .map(v -> {
                        long ms = elapsedMs(started);
                        LOG.debug("Stats reconcile: {} partition(s) in {} ms", partitions.partitions, ms);
                        return result.put("durationMs", ms);
                    });
        });
    }

    /**
     * Runs the chunk statement (arguments made from the last partition of the previous chunk)
     * while chunks come back full, at most {@code left} times, adding up their counts.
     */
    private static Future<Void> chunks(SqlConnection conn, Function<UUID, Tuple> args, UUID after,
                                       Counts counts, BooleanSupplier stopping, int left) {
        if (left == 0 || stopping.getAsBoolean()) {
            return Future.succeededFuture();
        }
        return conn.preparedQuery(CHUNK).execute(args.apply(after)).compose(rows -> {
            Row row = rows.iterator().next();
            counts.add(row);
            return row.getInteger("partitions") < PARTITIONS_PER_CHUNK
                    ? Future.succeededFuture()
                    : chunks(conn, args, row.getUUID("last_partition"), counts, stopping, left - 1);
        });
    }

    /** The roll-up statement; puts {written, removed} per level into {@code result}. */
    private static Future<Void> rollUp(SqlConnection conn, JsonObject result) {
        return conn.query(ROLLUP).execute().map(rows -> {
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
