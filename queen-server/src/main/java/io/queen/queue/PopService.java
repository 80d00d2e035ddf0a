package io.queen.queue;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One pop attempt = one database call (lease, read and, with auto-ack, the ack). A wildcard
 * pop of a consumer group that is still walking the queue's existing partitions into its
 * ready set may come back empty-handed with {@code backfill_pending}; it is asked again, each
 * call walking further, so that a pop never answers "nothing" while the walk has not seen
 * every partition.
 */
public final class PopService {
    /** Each call walks up to 20,000 partitions: enough for 2,000,000 before giving up. */
    private static final int MAX_BACKFILL_CALLS = 100;

    private static final String SQL = SqlFiles.query("pop");
    private static final String RELEASE = SqlFiles.query("release_undelivered_lease");

    private final SqlClient db;
    private final long maxBytes;

    /**
     * @param maxBytes an answer's payloads add up to about this many bytes at most (the first
     *                 message always goes, however large)
     */
    public PopService(SqlClient db, long maxBytes) {
        this.db = db;
        this.maxBytes = maxBytes;
    }

    public Future<PopOutcome> pop(PopQuery q) {
        return attempt(q, 1);
    }

    private Future<PopOutcome> attempt(PopQuery q, int call) {
        return once(q).compose(outcome -> "backfill_pending".equals(outcome.reason())
                ? call < MAX_BACKFILL_CALLS
                        ? attempt(q, call + 1)
                        : Future.succeededFuture(new PopOutcome("no_available_partition", outcome.messages()))
                : Future.succeededFuture(outcome));
    }

    private Future<PopOutcome> once(PopQuery q) {
        Tuple args = Tuple.tuple()
                .addString(q.queue())
                .addString(q.partition())
                .addString(q.consumerGroup())
                .addInteger(q.batch())
                .addUUID(q.leaseId())
                .addInteger(q.maxPartitions())
                .addBoolean(q.autoAck())
                .addString(q.subscription())
                .addOffsetDateTime(q.subscribeFrom())
                .addLong(maxBytes);
        return db.preparedQuery(SQL).execute(args).map(rows -> {
            List<PoppedMessage> messages = new ArrayList<>(rows.size());
            String reason = null;
            for (Row row : rows) {
                if (row.getUUID(3) == null) {
                    reason = row.getString(0);
                    continue;
                }
                messages.add(new PoppedMessage(row.getUUID(1), row.getString(2), row.getUUID(3), row.getString(4),
                        row.getUUID(5), row.getString(6), row.getString(7), row.getLong(8)));
            }
            if (messages.isEmpty() && reason == null) {
                reason = q.partition() == null ? "no_available_partition" : "empty";
            }
            return new PopOutcome(reason, messages);
        });
    }

    /** Ends the lease of a pop whose client went away before the answer: @return partitions freed */
    public Future<Integer> releaseUndelivered(UUID leaseId) {
        return db.preparedQuery(RELEASE).execute(Tuple.of(leaseId)).map(rows -> rows.iterator().next().getInteger(0));
    }
}
