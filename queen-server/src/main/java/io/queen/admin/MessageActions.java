package io.queen.admin;

import io.queen.db.SqlFiles;
import io.queen.queue.UuidV7;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** An operator's actions on one message: requeue it from the DLQ, or move it there. */
public final class MessageActions {
    private static final String RETRY = SqlFiles.query("message_retry");
    private static final String MOVE_TO_DLQ = SqlFiles.query("message_move_to_dlq");

    /**
     * outcome: requeued, not_found, not_dead_lettered or in_use (then {@code groups}: the
     * consumer groups that hold the message in a lease or have consumed it); messageId is the
     * requeued copy's id.
     */
    public record Retry(String outcome, String queue, String partition, UUID messageId, String groups) {
    }

    /** outcome: moved, already, not_found or not_next (then {@code waiting} earlier messages). */
    public record Move(String outcome, String queue, String partition, boolean steppedOver, long waiting) {
    }

    private final SqlClient db;

    public MessageActions(SqlClient db) {
        this.db = db;
    }

    public Future<Retry> retry(UUID partitionId, String transactionId) {
        return db.preparedQuery(RETRY).execute(Tuple.of(partitionId, transactionId, UuidV7.next())).map(rows -> {
            Row r = rows.iterator().next();
            return new Retry(r.getString("outcome"), r.getString("queue_name"), r.getString("partition_name"),
                    r.getUUID("message_id"), r.getString("groups"));
        });
    }

    public Future<Move> moveToDlq(UUID partitionId, String transactionId, String group, String error) {
        return db.preparedQuery(MOVE_TO_DLQ).execute(Tuple.of(partitionId, transactionId, group, error)).map(rows -> {
            Row r = rows.iterator().next();
            return new Move(r.getString("outcome"), r.getString("queue_name"), r.getString("partition_name"),
                    r.getBoolean("stepped_over"), r.getLong("waiting"));
        });
    }
}
