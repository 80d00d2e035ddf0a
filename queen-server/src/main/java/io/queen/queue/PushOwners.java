package io.queen.queue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which worker pushes into which partition. A push request goes to the owner of its first item's
 * partition (by the hash of its queue and name), to be fused with that worker's other pushes
 * into one database call.
 * <p>
 * Why: pushes into one partition must commit one after the other (they lock its row, see
 * push_v3). When every worker pushed what it received, two workers' calls met on common
 * partitions and waited for each other's commit, so the database ran them one at a time anyway,
 * each carrying only its own worker's requests. Routed, concurrent calls touch different
 * partitions and run side by side, and the pushes into a partition that arrive together share
 * one call. The row lock stays: it is what keeps the order when requests span partitions of
 * different owners, in transactions, or from another server on the same database.
 * <p>
 * Small pushes (at most {@link #SMALL_PUSH_ITEMS} items) are owned by fewer workers: half of
 * them, at least one. A database call has a fixed cost, about 450 µs of PostgreSQL CPU for one
 * item (the commit and its WAL flush, the function's statements), which a call of a few dozen
 * one-item requests does not amortise. Measured on two cores with wrk, 50 connections pushing
 * one item per request into 100 partitions, alternated: one lane 12.0-13.5k msg/s at 46-54 µs
 * of PostgreSQL CPU per message, two lanes 10.4-12.5k at 63-79 µs. Four items per request is
 * about even (32.7-36.7k against 34.2-34.8k msg/s), so that is where small ends. Larger pushes
 * keep every worker as an owner: their calls are long, and two of them running side by side is
 * what pays (push batch 100 with every push on one lane fell from 0.76 to 0.60 of the raw
 * insert rate). Half the workers is a guess beyond two cores, where it was measured.
 * <p>
 * The workers exchange only the request and its answer, each on its own event loop: the table
 * below is written once per worker at start and at stop, never on a request's path.
 */
public final class PushOwners {
    /** A worker's event loop and the pushes it runs there. */
    private record Owner(Context context, PushService pushes) {
    }

    /** A push of at most this many items is small. */
    static final int SMALL_PUSH_ITEMS = 4;

    private final AtomicReferenceArray<Owner> owners;
    /** Workers that fuse the small pushes: 0 .. smallLanes-1. */
    private final int smallLanes;

    public PushOwners(int workers) {
        this.owners = new AtomicReferenceArray<>(workers);
        this.smallLanes = Math.max(1, workers / 2);
    }

    /** Called on the worker's own event loop once its pushes can run. */
    public void register(int worker, Context context, PushService pushes) {
        owners.set(worker, new Owner(context, pushes));
    }

    /** From now on the worker's partitions are pushed by whoever receives the request. */
    public void unregister(int worker) {
        owners.set(worker, null);
    }

    /** The worker that pushes a request of {@code items} items whose first item goes to this partition. */
    public int ownerOf(String queue, String partition, int items) {
        int lanes = items <= SMALL_PUSH_ITEMS ? smallLanes : owners.length();
        return Math.floorMod(31 * queue.hashCode() + partition.hashCode(), lanes);
    }

    /** The pushes of one worker as its routes make them: through the partition's owner. */
    public Route route(int worker, Context context, PushService local) {
        return new Route(worker, context, local);
    }

    public final class Route {
        private final int worker;
        private final Context context;
        private final PushService local;

        private Route(int worker, Context context, PushService local) {
            this.worker = worker;
            this.context = context;
            this.local = local;
        }

        /**
         * Pushes the batch through its owner's {@link PushService}; the answer comes back on this
         * worker's event loop. This worker's own pushes it when it owns the partition, or when
         * the owner has stopped.
         */
        public Future<List<PushResult>> push(PushBatch batch) {
            if (batch.isEmpty() || owners.length() == 1) {
                return local.push(batch);
            }
            int ownerId = ownerOf(batch.queue(0), batch.partition(0), batch.size());
            Owner owner = ownerId == worker ? null : owners.get(ownerId);
            if (owner == null) {
                return local.push(batch);
            }
            Promise<List<PushResult>> answer = Promise.promise();
            owner.context().runOnContext(v -> {
                if (owners.get(ownerId) == owner) {
                    owner.pushes().push(batch).onComplete(ar -> context.runOnContext(w -> answer.handle(ar)));
                } else {
                    // the owner stopped meanwhile: its connections may be closing
                    context.runOnContext(w -> local.push(batch).onComplete(answer));
                }
            });
            return answer.future();
        }
    }
}
