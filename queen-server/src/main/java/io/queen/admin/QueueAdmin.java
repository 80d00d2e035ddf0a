package io.queen.admin;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Creating, configuring, clearing and deleting queues. */
public final class QueueAdmin {
    private static final String CONFIGURE = SqlFiles.query("configure");
    private static final String DELETE = SqlFiles.query("delete_queue");
    private static final String CLEAR = SqlFiles.query("clear_queue");
    private static final String DELETE_PARTITIONS = SqlFiles.query("delete_queue_partitions");
    /** A queue's partitions go this many per statement (a second or so each). */
    private static final int PARTITIONS_PER_STATEMENT = 5_000;

    public record Configured(UUID queueId, UUID defaultPartitionId, String namespace, String task,
                             QueueOptions options) {
    }

    private final SqlClient db;

    public QueueAdmin(SqlClient db) {
        this.db = db;
    }

    public Future<Configured> configure(String queue, String namespace, String task, QueueOptions.Requested o) {
        Tuple args = Tuple.tuple()
                .addString(queue).addString(namespace).addString(task)
                .addInteger(o.leaseTime()).addInteger(o.maxSize()).addInteger(o.ttl())
                .addInteger(o.retryLimit()).addInteger(o.retryDelay())
                .addBoolean(o.deadLetterQueue()).addBoolean(o.dlqAfterMaxRetries())
                .addInteger(o.priority()).addInteger(o.delayedProcessing()).addInteger(o.windowBuffer())
                .addInteger(o.retentionSeconds()).addInteger(o.completedRetentionSeconds())
                .addBoolean(o.retentionEnabled()).addBoolean(o.encryptionEnabled())
                .addInteger(o.maxWaitTimeSeconds()); // nulls: reset to the column defaults
        return db.preparedQuery(CONFIGURE).execute(args).map(rows -> {
            Row r = rows.iterator().next();
            QueueOptions stored = new QueueOptions(r.getInteger("lease_time"), r.getInteger("max_queue_size"),
                    r.getInteger("ttl"), r.getInteger("retry_limit"), r.getInteger("retry_delay"),
                    r.getBoolean("dead_letter_queue"), r.getBoolean("dlq_after_max_retries"),
                    r.getInteger("priority"), r.getInteger("delayed_processing"), r.getInteger("window_buffer"),
                    r.getInteger("retention_seconds"), r.getInteger("completed_retention_seconds"),
                    r.getBoolean("retention_enabled"), r.getBoolean("encryption_enabled"),
                    r.getInteger("max_wait_time_seconds"));
            return new Configured(r.getUUID("id"), r.getUUID("default_partition_id"), r.getString("namespace"),
                    r.getString("task"), stored);
        });
    }

    /**
     * Deletes a queue with everything in it: its partitions a slice at a time (a statement per
     * {@link #PARTITIONS_PER_STATEMENT}), then the queue itself.
     *
     * @return whether the queue existed
     */
    public Future<Boolean> delete(String queue) {
        return deletePartitions(queue).compose(v -> db.preparedQuery(DELETE).execute(Tuple.of(queue)))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /**
     * Deletes every message of the queue and keeps the queue with its settings, partitions and
     * consumer groups.
     *
     * @return how many messages were deleted; null when the queue does not exist
     */
    public Future<Long> clear(String queue) {
        return db.preparedQuery(CLEAR).execute(Tuple.of(queue)).map(rows -> rows.iterator().next().getLong(0));
    }

    private Future<Void> deletePartitions(String queue) {
        return db.preparedQuery(DELETE_PARTITIONS).execute(Tuple.of(queue, PARTITIONS_PER_STATEMENT))
                .compose(rows -> rows.iterator().next().getInteger(0) < PARTITIONS_PER_STATEMENT
                        ? Future.succeededFuture()
                        : deletePartitions(queue));
    }
}
