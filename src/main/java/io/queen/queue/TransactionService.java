package io.queen.queue;

import io.queen.db.DbErrors;
import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs pushes and acks atomically: all of them commit, or on the first failure none does.
 */
public final class TransactionService {
    private static final String ACK_SQL = SqlFiles.query("transaction_ack");

    /** Result of one operation; {@code messageId}/{@code partitionId} only for pushes. */
    public record OpResult(int index, String type, String transactionId, UUID messageId, UUID partitionId,
                           String queue, boolean dlq) {
    }

    /** @param error null when committed; else the reason, and {@code results} before it */
    public record Outcome(UUID transactionId, String error, List<OpResult> results) {
    }

    private final Pool pool;
    private final WakeUps wakeUps;

    public TransactionService(Pool pool, WakeUps wakeUps) {
        this.pool = pool;
        this.wakeUps = wakeUps;
    }

    public Future<Outcome> execute(List<TransactionOp> ops) {
        UUID id = UUID.randomUUID();
        List<OpResult> results = new ArrayList<>();
        List<PushResult> pushed = new ArrayList<>();
        return pool.getConnection().compose(conn -> conn.begin()
                .compose(tx -> run(conn, ops, 0, results, pushed)
                        .compose(v -> tx.commit())
                        .map(v -> {
                            wakeUps.announce(PushService.partitionsByQueue(pushed));
                            return new Outcome(id, null, results);
                        })
                        .recover(error -> tx.rollback().otherwiseEmpty().compose(v -> DbErrors.isUnavailable(error)
                                ? Future.<Outcome>failedFuture(error)
                                : Future.succeededFuture(new Outcome(id, message(error), results)))))
                .eventually(conn::close));
    }

    private static String message(Throwable error) {
        if (error instanceof io.vertx.pgclient.PgException) {
            return ((io.vertx.pgclient.PgException) error).getErrorMessage();
        }
        return error.getMessage() == null ? error.toString() : error.getMessage();
    }

    private Future<Void> run(SqlConnection conn, List<TransactionOp> ops, int index, List<OpResult> results,
                             List<PushResult> pushed) {
        if (index == ops.size()) {
            return Future.succeededFuture();
        }
        TransactionOp op = ops.get(index);
        Future<OpResult> step;
        if (op instanceof TransactionOp.Push push) {
            step = PushService.execute(conn, push.batch()).compose(outcome -> {
                PushResult r = outcome.get(0);
                if (!r.queued()) {
                    return Future.failedFuture("duplicate key value violates unique constraint "
                            + "\"messages_partition_transaction_unique\" (transactionId " + r.transactionId() + ")");
                }
                pushed.add(r);
                return Future.succeededFuture(new OpResult(index, "push", r.transactionId(), r.messageId(),
                        r.partitionId(), r.queue(), false));
            });
        } else {
            TransactionOp.Ack ack = (TransactionOp.Ack) op;
            AckItem item = ack.item();
            step = conn.preparedQuery(ACK_SQL)
                    .execute(Tuple.of(item.transactionId(), item.partitionId(), ack.consumerGroup(), item.leaseId(),
                            item.status(), item.error()))
                    .map(rows -> new OpResult(index, "ack", item.transactionId(), null, null, null,
                            rows.iterator().next().getBoolean(0)));
        }
        return step.compose(result -> {
            results.add(result);
            return run(conn, ops, index + 1, results, pushed);
        });
    }
}
