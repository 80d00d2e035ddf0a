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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Pushes of one worker. Concurrent requests are fused: while {@code maxInFlight} database
 * calls are running, new requests wait, and the next call takes all of them at once. A lone
 * request therefore goes straight through, and under load the batches grow by themselves.
 * Owned by one event loop, so it needs no locking.
 */
public final class PushService {
    private static final String SQL = SqlFiles.query("push");

    private record Waiting(PushBatch batch, Promise<List<PushResult>> promise) {
    }

    /** One database call for a batch (fused or not). */
    private final Function<PushBatch, Future<List<PushResult>>> database;
    private final NewMessages newMessages;
    private final int maxInFlight;
    private final int maxItemsPerCall;
    private final long callTimeoutMs;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int inFlight;
    /** Completed once no call runs and no push waits (a stopping worker closes its pools after). */
    private final List<Promise<Void>> idleWaiters = new ArrayList<>();
    /** Database calls made so far (after fusion), for the worker's jobs-done figure. */
    private long calls;

    /**
     * @param callTimeoutMs a database call that has not answered by then fails as "unavailable"
     *                      (0: never). Without it, a network partition that neither resets nor
     *                      refuses (nothing arrives, the connections stay open) holds the worker's
     *                      {@code maxInFlight} calls, and every push queued behind them, until the
     *                      network heals or TCP gives up many minutes later.
     */
    public PushService(SqlClient db, NewMessages newMessages, int maxInFlight, int maxItemsPerCall, long callTimeoutMs) {
        this(batch -> execute(db, batch), newMessages, maxInFlight, maxItemsPerCall, callTimeoutMs);
    }

    /** With the database call given: fusion, splitting and retries can be tested without PostgreSQL. */
    PushService(Function<PushBatch, Future<List<PushResult>>> database, NewMessages newMessages, int maxInFlight,
                int maxItemsPerCall, long callTimeoutMs) {
        this.database = database;
        this.callTimeoutMs = callTimeoutMs;
        this.newMessages = newMessages;
        this.maxInFlight = maxInFlight;
        this.maxItemsPerCall = maxItemsPerCall;
    }

    public Future<List<PushResult>> push(PushBatch batch) {
        if (batch.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Promise<List<PushResult>> promise = Promise.promise();
        waiting.add(new Waiting(batch, promise));
        dispatch();
        return promise.future();
    }

    private void dispatch() {
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            List<Waiting> group = new ArrayList<>();
            int items = 0;
            do {
                Waiting next = waiting.poll();
                group.add(next);
                items += next.batch().size();
            } while (!waiting.isEmpty() && items + waiting.peek().batch().size() <= maxItemsPerCall);
            inFlight++;
            calls++;
            run(group).onComplete(ar -> {
                inFlight--;
                dispatch();
                if (idle() && !idleWaiters.isEmpty()) {
                    List<Promise<Void>> idle = new ArrayList<>(idleWaiters);
                    idleWaiters.clear();
                    idle.forEach(Promise::complete);
                }
            });
        }
    }

    /** Completes once no database call runs and no push waits for one. */
    public Future<Void> whenIdle() {
        if (idle()) {
            return Future.succeededFuture();
        }
        Promise<Void> idle = Promise.promise();
        idleWaiters.add(idle);
        return idle.future();
    }

    private boolean idle() {
        return inFlight == 0 && waiting.isEmpty();
    }

    /** Calls that could start now without waiting (0: pushes are queueing for fusion). */
    public int freeSlots() {
        return maxInFlight - inFlight;
    }

    /** Push requests waiting for a call slot. */
    public int waitingRequests() {
        return waiting.size();
    }

    public long calls() {
        return calls;
    }

    /** One database call for the whole group; each request gets back its own results. */
    private Future<Void> run(List<Waiting> group) {
        PushBatch combined = group.size() == 1 ? group.get(0).batch() : PushBatch.concat(group.stream()
                .map(Waiting::batch).toList());
        Future<List<PushResult>> call = database.apply(combined);
        if (callTimeoutMs > 0) {
            // the abandoned call may still commit once the network is back: its items then come
            // back from the buffer as duplicates (each keeps its transaction id), stored once,
            // and a later push to the same partition waits in the buffer behind them
            call = call.timeout(callTimeoutMs, TimeUnit.MILLISECONDS);
        }
        return call.transform(ar -> {
            if (ar.succeeded()) {
                announce(ar.result());
                int offset = 0;
                for (Waiting w : group) {
                    int size = w.batch().size();
                    w.promise().complete(reindex(ar.result().subList(offset, offset + size), offset));
                    offset += size;
                }
                return Future.succeededFuture();
            }
            if (group.size() == 1 || DbErrors.isUnavailable(ar.cause())) {
                group.forEach(w -> w.promise().fail(ar.cause()));
                return Future.succeededFuture();
            }
            // one bad request must not fail the others it was fused with: retry each alone
            List<Future<Void>> alone = new ArrayList<>();
            for (Waiting w : group) {
                alone.add(run(List.of(w)));
            }
            return Future.join(alone).mapEmpty();
        });
    }

    private void announce(List<PushResult> results) {
        newMessages.announce(partitionsByQueue(results));
    }

    /** Queue → number of distinct partitions that received a message. */
    public static Map<String, Integer> partitionsByQueue(List<PushResult> results) {
        Map<String, Set<UUID>> partitions = new HashMap<>();
        for (PushResult r : results) {
            if (r.queued()) {
                partitions.computeIfAbsent(r.queue(), q -> new HashSet<>()).add(r.partitionId());
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        partitions.forEach((queue, ids) -> counts.put(queue, ids.size()));
        return counts;
    }

    /** Results carry indices within the fused call; a client sees its own, from 0. */
    private static List<PushResult> reindex(List<PushResult> results, int offset) {
        if (offset == 0) {
            return results;
        }
        List<PushResult> own = new ArrayList<>(results.size());
        for (PushResult r : results) {
            own.add(new PushResult(r.index() - offset, r.status(), r.messageId(), r.partitionId(), r.traceId(),
                    r.transactionId(), r.queue()));
        }
        return own;
    }

    /**
     * Runs a push on any client: a pool, or a connection inside a transaction. Also the
     * file buffer's drain path, so replayed events go through exactly the same SQL. The
     * database answers one row (partition ids per pair, the duplicates); everything else an
     * item's result says, the server already knows.
     */
    public static Future<List<PushResult>> execute(SqlClient client, PushBatch batch) {
        Integer[] pairOfItem = new Integer[batch.size()];
        Tuple args = batch.addPairedColumnsTo(Tuple.tuple(), pairOfItem);
        return client.preparedQuery(SQL).execute(args).map(rows -> {
            Row row = rows.iterator().next();
            UUID[] partitionIds = row.getArrayOfUUIDs(0);
            Integer[] duplicates = row.getArrayOfIntegers(1);
            UUID[] storedIds = row.getArrayOfUUIDs(2);
            int nextDuplicate = 0;
            List<PushResult> results = new ArrayList<>(pairOfItem.length);
            for (int i = 0; i < pairOfItem.length; i++) {
                // the repeats come in item order
                boolean duplicate = duplicates != null && nextDuplicate < duplicates.length
                        && duplicates[nextDuplicate] == i;
                UUID messageId = duplicate ? storedIds[nextDuplicate++] : batch.messageId(i);
                results.add(new PushResult(i, duplicate ? "duplicate" : "queued", messageId,
                        partitionIds[pairOfItem[i] - 1], batch.traceId(i), batch.transactionId(i), batch.queue(i)));
            }
            return results;
        });
    }
}
