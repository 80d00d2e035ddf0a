package io.queen.queue;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Inserts a batch in one database call and tells parked consumers about it. */
public final class PushService {
    private static final String SQL = SqlFiles.query("push");

    private final SqlClient db;
    private final WakeUps wakeUps;

    public PushService(SqlClient db, WakeUps wakeUps) {
        this.db = db;
        this.wakeUps = wakeUps;
    }

    public Future<List<PushResult>> push(PushBatch batch) {
        if (batch.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return execute(db, batch).onSuccess(results -> {
            Set<String> queues = new LinkedHashSet<>();
            for (PushResult r : results) {
                if (r.queued()) {
                    queues.add(r.queue());
                }
            }
            wakeUps.announce(queues);
        });
    }

    /** Runs the push on any client: a pool, or a connection inside a transaction. */
    static Future<List<PushResult>> execute(SqlClient client, PushBatch batch) {
        Tuple args = Tuple.of(
                batch.queues.toArray(new String[0]),
                batch.partitions.toArray(new String[0]),
                batch.transactionIds.toArray(new String[0]),
                batch.messageIds.toArray(new UUID[0]),
                batch.payloads.toArray(new String[0]),
                batch.traceIds.toArray(new UUID[0]),
                batch.producers.toArray(new String[0]));
        return client.preparedQuery(SQL).execute(args).map(rows -> {
            List<PushResult> results = new ArrayList<>(rows.size());
            for (Row row : rows) {
                results.add(new PushResult(row.getInteger(0), row.getString(1), row.getUUID(2), row.getUUID(3),
                        row.getUUID(4), row.getString(5), row.getString(6)));
            }
            return results;
        });
    }
}
