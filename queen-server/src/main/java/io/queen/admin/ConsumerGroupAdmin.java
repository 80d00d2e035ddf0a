package io.queen.admin;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Function;

/** Deleting consumer groups, moving their cursors, changing their subscription start. */
public final class ConsumerGroupAdmin {
    private static final String DELETE = SqlFiles.query("delete_consumer_group");
    private static final String DELETE_FOR_QUEUE = SqlFiles.query("delete_consumer_group_queue");
    private static final String SEEK_QUEUE = SqlFiles.query("seek_queue");
    private static final String SEEK_PARTITION = SqlFiles.query("seek_partition");
    private static final String UPDATE_SUBSCRIPTION = SqlFiles.query("update_subscription");
    private static final String PARTITIONS = SqlFiles.query("consumer_group_partitions");
    private static final String LOCK_GROUP = SqlFiles.query("group_change_lock");
    private static final String FORGET_WALKS = SqlFiles.query("group_forget_walks");
    private static final String LOCK_READY = SqlFiles.query("group_lock_ready");

    /** Where one group stands on one partition. */
    public record PartitionState(String group, String queue, String partition, UUID partitionId, UUID leaseId,
                                 boolean leaseActive, OffsetDateTime lastConsumedAt, long totalConsumed,
                                 OffsetDateTime oldestUnconsumedAt, long offsetLag, long timeLagSeconds,
                                 String subscriptionMode, OffsetDateTime subscriptionTimestamp,
                                 OffsetDateTime subscriptionCreatedAt) {
    }

    public record Deleted(long partitions, boolean metadataDeleted) {
    }

    /** @param found false when the queue or partition does not exist */
    public record PartitionSeek(boolean found, long updated, UUID cursorId) {
    }

    private final Pool db;

    public ConsumerGroupAdmin(Pool db) {
        this.db = db;
    }

    public Future<Deleted> delete(String group, boolean deleteMetadata) {
        return changing(group, null, true, conn -> conn.preparedQuery(DELETE)
                .execute(Tuple.of(group, deleteMetadata)).map(ConsumerGroupAdmin::deleted));
    }

    public Future<Deleted> deleteForQueue(String group, String queue, boolean deleteMetadata) {
        return changing(group, queue, true, conn -> conn.preparedQuery(DELETE_FOR_QUEUE)
                .execute(Tuple.of(group, queue, deleteMetadata)).map(ConsumerGroupAdmin::deleted));
    }

    /** @param timestamp ignored when {@code toEnd} */
    public Future<Long> seekQueue(String group, String queue, boolean toEnd, OffsetDateTime timestamp) {
        Tuple args = Tuple.tuple().addString(group).addString(queue).addBoolean(toEnd).addOffsetDateTime(timestamp);
        return changing(group, queue, true, conn -> conn.preparedQuery(SEEK_QUEUE).execute(args)
                .map(rows -> rows.iterator().next().getLong(0)));
    }

    /** A move forward on one partition: nothing becomes readable again, no walk needed. */
    public Future<PartitionSeek> seekPartitionToEnd(String group, String queue, String partition) {
        return db.preparedQuery(SEEK_PARTITION).execute(Tuple.of(group, queue, partition)).map(rows -> {
            Row r = rows.iterator().next();
            return new PartitionSeek(r.getBoolean(0), r.getLong(1), r.getUUID(2));
        });
    }

    public Future<Long> updateSubscription(String group, OffsetDateTime timestamp) {
        return changing(group, null, false, conn -> conn.preparedQuery(UPDATE_SUBSCRIPTION)
                .execute(Tuple.of(group, timestamp)).map(rows -> rows.iterator().next().getLong(0)));
    }

    /**
     * Runs a change to where {@code group} reads (on {@code queue}; null: everywhere) in one
     * transaction that first keeps the group's registrations out, removes its watermark rows
     * (so that its next wildcard pop walks the partitions again, with the changed cursors) and,
     * when the change touches cursors, locks its ready rows the way pops take them. Without
     * these steps a registration or walk running alongside would keep going with the cursors
     * from before and never offer the partitions the change made readable again.
     */
    private <T> Future<T> changing(String group, String queue, boolean touchesCursors,
                                   Function<SqlConnection, Future<T>> change) {
        return db.withTransaction(conn -> conn.preparedQuery(LOCK_GROUP).execute(Tuple.of(group))
                .compose(v -> conn.preparedQuery(FORGET_WALKS).execute(Tuple.of(group, queue)))
                .compose(v -> touchesCursors
                        ? conn.preparedQuery(LOCK_READY).execute(Tuple.of(group, queue)).mapEmpty()
                        : Future.succeededFuture())
                .compose(v -> change.apply(conn)));
    }

    /** Every partition of one group ({@code group}), or of every group (null). */
    public Future<java.util.List<PartitionState>> partitions(String group) {
        return partitions(group, null, null, Integer.MAX_VALUE, 0);
    }

    /**
     * The partitions of a page of (group, queue) pairs, in group and queue order.
     *
     * @param group  null: any group
     * @param queue  null: any queue
     * @param search null: no search; else part of the group's or the queue's name, any case
     */
    public Future<java.util.List<PartitionState>> partitions(String group, String queue, String search, int pairs,
                                                             int skipPairs) {
        Tuple args = Tuple.tuple().addString(group).addString(queue)
                .addString(search).addInteger(pairs)
                .addInteger(skipPairs);
        return db.preparedQuery(PARTITIONS).execute(args).map(rows -> {
            java.util.List<PartitionState> states = new java.util.ArrayList<>(rows.size());
            for (Row r : rows) {
                states.add(new PartitionState(r.getString("consumer_group"), r.getString("queue_name"),
                        r.getString("partition_name"), r.getUUID("partition_id"), r.getUUID("worker_id"),
                        Boolean.TRUE.equals(r.getBoolean("lease_active")), r.getOffsetDateTime("last_consumed_at"),
                        r.getLong("total_messages_consumed"), r.getOffsetDateTime("oldest_unconsumed_at"),
                        r.getLong("offset_lag"), r.getLong("time_lag_seconds"), r.getString("subscription_mode"),
                        r.getOffsetDateTime("subscription_timestamp"),
                        r.getOffsetDateTime("subscription_created_at")));
            }
            return states;
        });
    }

    private static Deleted deleted(io.vertx.sqlclient.RowSet<Row> rows) {
        Row r = rows.iterator().next();
        return new Deleted(r.getLong(0), r.getBoolean(1));
    }
}
