package io.queen.queue;

import io.queen.db.DbErrors;
import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Acknowledges messages of one consumer group, any number in one database call. Concurrent ack
 * requests of the same group are fused as pushes are (see {@link PushService}): while
 * {@code maxInFlight} calls run, new requests wait, and the next call takes the oldest waiting
 * request together with every other waiting one of its group. Under load a consumer fleet's
 * acks then cost one call per few requests instead of one each; a lone ack goes straight
 * through. Owned by one event loop, so it needs no locking.
 */
public final class AckService {
    private static final String SQL = SqlFiles.query("ack");

    private record Waiting(List<AckItem> items, String group, Promise<List<AckResult>> promise) {
    }

    /** One database call for the items of one group (fused or not). */
    private final BiFunction<List<AckItem>, String, Future<List<AckResult>>> database;
    private final int maxInFlight;
    private final int maxItemsPerCall;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;

    public AckService(SqlClient db, int maxInFlight, int maxItemsPerCall) {
        this((items, group) -> execute(db, items, group), maxInFlight, maxItemsPerCall);
    }

    /** With the database call given: fusion and retries can be tested without PostgreSQL. */
    AckService(BiFunction<List<AckItem>, String, Future<List<AckResult>>> database, int maxInFlight,
               int maxItemsPerCall) {
        this.database = database;
        this.maxInFlight = maxInFlight;
        this.maxItemsPerCall = maxItemsPerCall;
    }

    /** @return one result per item, by index from 0 in the order given */
    public Future<List<AckResult>> ack(List<AckItem> items, String consumerGroup) {
        if (items.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Promise<List<AckResult>> promise = Promise.promise();
        waiting.add(new Waiting(items, consumerGroup, promise));
        dispatch();
        return promise.future();
    }

    private void dispatch() {
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            Waiting head = waiting.poll();
            List<Waiting> call = new ArrayList<>();
            call.add(head);
            int items = head.items().size();
            for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (w.group().equals(head.group()) && items + w.items().size() <= maxItemsPerCall) {
                    call.add(w);
                    items += w.items().size();
                    it.remove();
                }
            }
            inFlight++;
            run(call).onComplete(ar -> {
                inFlight--;
                dispatch();
            });
        }
    }

    private Future<Void> run(List<Waiting> call) {
        List<AckItem> items = call.size() == 1 ? call.get(0).items() : new ArrayList<>();
        if (call.size() > 1) {
            call.forEach(w -> items.addAll(w.items()));
        }
        return database.apply(items, call.get(0).group()).transform(ar -> {
            if (ar.succeeded()) {
                int offset = 0;
                for (Waiting w : call) {
                    w.promise().complete(slice(ar.result(), offset, w.items().size()));
                    offset += w.items().size();
                }
                return Future.succeededFuture();
            }
            if (call.size() == 1 || DbErrors.isUnavailable(ar.cause())) {
                call.forEach(w -> w.promise().fail(ar.cause()));
                return Future.succeededFuture();
            }
            // one request's failure must not fail the others it was fused with: each alone
            List<Future<Void>> alone = new ArrayList<>();
            for (Waiting w : call) {
                alone.add(run(List.of(w)));
            }
            return Future.join(alone).mapEmpty();
        });
    }

    /** The results of the request whose items start at {@code offset}, indexed from 0 again. */
    private static List<AckResult> slice(List<AckResult> all, int offset, int size) {
        List<AckResult> own = new ArrayList<>(size);
        for (AckResult r : all) {
            if (r.index() >= offset && r.index() < offset + size) {
                own.add(offset == 0 ? r : new AckResult(r.index() - offset, r.transactionId(), r.success(), r.error(),
                        r.queue(), r.partition(), r.leaseReleased(), r.dlq()));
            }
        }
        return own;
    }

    private static Future<List<AckResult>> execute(SqlClient db, List<AckItem> items, String consumerGroup) {
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
