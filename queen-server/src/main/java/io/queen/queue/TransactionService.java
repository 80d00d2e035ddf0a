package io.queen.queue;

import io.queen.db.DbErrors;
import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
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
    private final NewMessages newMessages;

    public TransactionService(Pool pool, NewMessages newMessages) {
        this.pool = pool;
        this.newMessages = newMessages;
    }

    public Future<Outcome> execute(List<TransactionOp> ops) {
        UUID id = UUID.randomUUID();
        List<OpResult> results = new ArrayList<>();
        List<PushResult> pushed = new ArrayList<>();
        return pool.getConnection().compose(conn -> conn.begin()
                .compose(tx -> run(conn, ops, results, pushed)
                        .compose(v -> tx.commit())
                        .map(v -> {
                            newMessages.announce(PushService.partitionsByQueue(pushed));
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

    /**
     * Runs every push in one call, then the acks ordered by partition and group: each kind of
     * lock is then taken in the one global order of the server (partitions, then the
     * partitions' ready rows, then consumer rows, each sorted), so two transactions, or a
     * transaction and a pop or push, touching the same partitions wait for each other instead
     * of deadlocking. Atomicity makes the order invisible to the client; an ack of a message
     * this transaction pushes finds it.
     */
    private Future<Void> run(SqlConnection conn, List<TransactionOp> ops, List<OpResult> results,
                             List<PushResult> pushed) {
        List<Integer> pushOrder = new ArrayList<>();
        List<Integer> ackOrder = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            (ops.get(i) instanceof TransactionOp.Push ? pushOrder : ackOrder).add(i);
        }
        // PostgreSQL's uuid order (unsigned bytes), the order the batch ack locks in too
        ackOrder.sort(Comparator
                .comparing((Integer i) -> ((TransactionOp.Ack) ops.get(i)).item().partitionId(),
                        Comparator.comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
                                .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned))
                .thenComparing(i -> ((TransactionOp.Ack) ops.get(i)).consumerGroup()));
        return pushes(conn, ops, pushOrder, results, pushed)
                .compose(v -> acks(conn, ops, ackOrder, 0, results))
                .onComplete(ar -> results.sort(Comparator.comparingInt(OpResult::index)));
    }

    private Future<Void> acks(SqlConnection conn, List<TransactionOp> ops, List<Integer> order, int at,
                              List<OpResult> results) {
        if (at == order.size()) {
            return Future.succeededFuture();
        }
        int index = order.get(at);
        TransactionOp.Ack ack = (TransactionOp.Ack) ops.get(index);
        AckItem item = ack.item();
        return conn.preparedQuery(ACK_SQL)
                .execute(Tuple.of(item.transactionId(), item.partitionId(), ack.consumerGroup(), item.leaseId(),
                        item.status(), item.error()))
                .compose(rows -> {
                    results.add(new OpResult(index, "ack", item.transactionId(), null, null, null,
                            rows.iterator().next().getBoolean(0)));
                    return acks(conn, ops, order, at + 1, results);
                });
    }

    private Future<Void> pushes(SqlConnection conn, List<TransactionOp> ops, List<Integer> order,
                                List<OpResult> results, List<PushResult> pushed) {
        if (order.isEmpty()) {
            return Future.succeededFuture();
        }
        List<PushBatch> batches = new ArrayList<>(order.size());
        for (int index : order) {
            batches.add(((TransactionOp.Push) ops.get(index)).batch());
        }
        return PushService.execute(conn, PushBatch.concat(batches)).compose(outcome -> {
            for (int k = 0; k < outcome.size(); k++) {
                PushResult r = outcome.get(k);
                if (!r.queued()) {
                    return Future.failedFuture("duplicate key value violates unique constraint "
                            + "\"messages_partition_transaction_unique\" (transactionId " + r.transactionId() + ")");
                }
            }
            for (int k = 0; k < outcome.size(); k++) {
                PushResult r = outcome.get(k);
                pushed.add(r);
                results.add(new OpResult(order.get(k), "push", r.transactionId(), r.messageId(), r.partitionId(),
                        r.queue(), false));
            }
            return Future.<Void>succeededFuture();
        });
    }
}
