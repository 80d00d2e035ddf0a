package io.queen.streams;

import io.queen.db.DbErrors;
import io.queen.db.SqlFiles;
import io.queen.queue.NewMessages;
import io.queen.queue.PushResult;
import io.queen.queue.PushService;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Commits streams cycles (POST /streams/v1/cycle). A cycle is one statement, so one
 * transaction: state ops, sink pushes (through the push's own SQL) and the source ack (through
 * the transaction's ack) commit together or not at all, serialised per (query, partition).
 * What the exactly-once promise of the SDKs rests on: a consumer that lost its lease cannot
 * commit, so the consumer that took over never sees state and output of messages it is given
 * again.
 */
public final class StreamCycles {
    private static final Logger LOG = LoggerFactory.getLogger(StreamCycles.class);
    private static final String CYCLE = SqlFiles.query("streams_cycle");
    /** What the functions raise on purpose (RAISE EXCEPTION): its text is meant for the client. */
    private static final String RAISED = "P0001";

    private final SqlClient db;
    private final NewMessages newMessages;

    public StreamCycles(SqlClient db, NewMessages newMessages) {
        this.db = db;
        this.newMessages = newMessages;
    }

    /**
     * @return the outcome; failed only when the database is unreachable or rejected a value
     *         as invalid input (the caller's 503 and 400), a rolled-back cycle otherwise
     */
    public Future<CycleOutcome> commit(CycleRequest cycle) {
        CycleRequest.SourceAck ack = cycle.ack();
        Tuple args = Tuple.tuple()
                .addUUID(cycle.queryId())
                .addUUID(cycle.partitionId())
                .addString(cycle.consumerGroup())
                .addArrayOfString(cycle.stateKeys().toArray(new String[0]))
                .addArrayOfString(cycle.stateValues().toArray(new String[0]));
        cycle.sinkPushes().addColumnsTo(args)
                .addString(ack == null ? null : ack.transactionId())
                .addUUID(ack == null ? null : ack.leaseId())
                .addString(ack == null ? null : ack.status())
                .addString(ack == null ? null : ack.error())
                .addInteger(ack == null ? null : ack.count())
                .addBoolean(cycle.releaseLease());
        return db.preparedQuery(CYCLE).execute(args)
                .map(rows -> committed(rows.iterator().next(), ack))
                .onSuccess(outcome -> newMessages.announce(PushService.partitionsByQueue(outcome.sinkResults())))
                .recover(error -> rolledBack(cycle, error));
    }

    private static CycleOutcome committed(Row r, CycleRequest.SourceAck ack) {
        List<PushResult> results = new ArrayList<>();
        String[] status = r.getArrayOfStrings("push_status");
        if (status != null) {
            UUID[] messageIds = r.getArrayOfUUIDs("push_message_id");
            UUID[] partitionIds = r.getArrayOfUUIDs("push_partition_id");
            UUID[] traceIds = r.getArrayOfUUIDs("push_trace_id");
            String[] transactionIds = r.getArrayOfStrings("push_transaction_id");
            String[] queues = r.getArrayOfStrings("push_queue");
            for (int i = 0; i < status.length; i++) {
                results.add(new PushResult(i, status[i], messageIds[i], partitionIds[i], traceIds[i],
                        transactionIds[i], queues[i]));
            }
        }
        CycleOutcome.AckOutcome acked = null;
        if (ack != null) {
            boolean dlq = Boolean.TRUE.equals(r.getBoolean("ack_dlq"));
            // as the reference reports it: the messages a completed ack consumed, none for a dead letter
            acked = new CycleOutcome.AckOutcome(dlq ? 0 : ack.count(),
                    Boolean.TRUE.equals(r.getBoolean("ack_lease_released")), dlq);
        }
        return new CycleOutcome(null, r.getString("queue_name"), r.getInteger("state_ops_applied"), results, acked);
    }

    private static Future<CycleOutcome> rolledBack(CycleRequest cycle, Throwable error) {
        if (DbErrors.isUnavailable(error) || DbErrors.invalidInputMessage(error) != null) {
            return Future.failedFuture(error);
        }
        if (error instanceof PgException pg && RAISED.equals(pg.getSqlState())) {
            return Future.succeededFuture(CycleOutcome.rolledBack(pg.getErrorMessage()));
        }
        if (DbErrors.isBusy(error)) {
            return Future.succeededFuture(CycleOutcome.rolledBack(
                    "The database is busy (a lock wait or statement timed out); the cycle was rolled back"));
        }
        LOG.error("Streams cycle of query {} on partition {} failed", cycle.queryId(), cycle.partitionId(), error);
        return Future.succeededFuture(CycleOutcome.rolledBack(
                "The cycle failed on the server and was rolled back (the server's log has the cause)"));
    }
}
