package io.queen.queue;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** Acknowledges any number of messages of one consumer group in one database call. */
public final class AckService {
    private static final String SQL = SqlFiles.query("ack");

    private final SqlClient db;

    public AckService(SqlClient db) {
        this.db = db;
    }

    public Future<List<AckResult>> ack(List<AckItem> items, String consumerGroup) {
        if (items.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        int n = items.size();
        String[] txns = new String[n];
        UUID[] partitions = new UUID[n];
        String[] statuses = new String[n];
        UUID[] leases = new UUID[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            AckItem item = items.get(i);
            txns[i] = item.transactionId();
            partitions[i] = item.partitionId();
            statuses[i] = item.status();
            leases[i] = item.leaseId();
            errors[i] = item.error();
        }
        return db.preparedQuery(SQL)
                .execute(Tuple.of(txns, partitions, statuses, leases, errors, consumerGroup))
                .map(rows -> {
                    List<AckResult> results = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        results.add(new AckResult(row.getInteger(0), row.getString(1), row.getBoolean(2),
                                row.getString(3), row.getString(4), row.getString(5), row.getBoolean(6),
                                Boolean.TRUE.equals(row.getBoolean(7))));
                    }
                    results.sort(Comparator.comparingInt(AckResult::index));
                    return results;
                });
    }
}
