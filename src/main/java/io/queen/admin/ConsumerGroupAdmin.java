package io.queen.admin;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Deleting consumer groups, moving their cursors, changing their subscription start. */
public final class ConsumerGroupAdmin {
    private static final String DELETE = SqlFiles.query("delete_consumer_group");
    private static final String DELETE_FOR_QUEUE = SqlFiles.query("delete_consumer_group_queue");
    private static final String SEEK_QUEUE = SqlFiles.query("seek_queue");
    private static final String SEEK_PARTITION = SqlFiles.query("seek_partition");
    private static final String UPDATE_SUBSCRIPTION = SqlFiles.query("update_subscription");
    private static final String PARTITIONS = SqlFiles.query("consumer_group_partitions");

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

    private final SqlClient db;

    public ConsumerGroupAdmin(SqlClient db) {
        this.db = db;
    }

    public Future<Deleted> delete(String group, boolean deleteMetadata) {
        return db.preparedQuery(DELETE).execute(Tuple.of(group, deleteMetadata)).map(ConsumerGroupAdmin::deleted);
    }

    public Future<Deleted> deleteForQueue(String group, String queue, boolean deleteMetadata) {
        return db.preparedQuery(DELETE_FOR_QUEUE).execute(Tuple.of(group, queue, deleteMetadata))
                .map(ConsumerGroupAdmin::deleted);
    }

    /** @param timestamp ignored when {@code toEnd} */
    public Future<Long> seekQueue(String group, String queue, boolean toEnd, OffsetDateTime timestamp) {
        Tuple args = Tuple.tuple().addString(group).addString(queue).addBoolean(toEnd).addOffsetDateTime(timestamp);
        return db.preparedQuery(SEEK_QUEUE).execute(args).map(rows -> rows.iterator().next().getLong(0));
    }

    public Future<PartitionSeek> seekPartitionToEnd(String group, String queue, String partition) {
        return db.preparedQuery(SEEK_PARTITION).execute(Tuple.of(group, queue, partition)).map(rows -> {
            Row r = rows.iterator().next();
            return new PartitionSeek(r.getBoolean(0), r.getLong(1), r.getUUID(2));
        });
    }

    public Future<Long> updateSubscription(String group, OffsetDateTime timestamp) {
        return db.preparedQuery(UPDATE_SUBSCRIPTION).execute(Tuple.of(group, timestamp))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** @param group null: every group */
    public Future<java.util.List<PartitionState>> partitions(String group) {
        return db.preparedQuery(PARTITIONS).execute(Tuple.of(group)).map(rows -> {
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
