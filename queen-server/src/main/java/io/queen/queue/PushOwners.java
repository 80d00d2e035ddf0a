package io.queen.queue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which worker pushes into which partition. Each partition has one owning worker (by the hash of
 * its queue and name), and a push request goes to the owner of its first item's partition, to be
 * fused with that worker's other pushes into one database call.
 * <p>
 * Why: pushes into one partition must commit one after the other (they lock its row, see
 * push_v3). When every worker pushed what it received, two workers' calls met on common
 * partitions and waited for each other's commit, so the database ran them one at a time anyway,
 * each carrying only its own worker's requests. Routed, concurrent calls touch different
 * partitions and run side by side, and the pushes into a partition that arrive together share
 * one call. The row lock stays: it is what keeps the order when requests span partitions of
 * different owners, in transactions, or from another server on the same database.
 * <p>
 * The workers exchange only the request and its answer, each on its own event loop: the table
 * below is written once per worker at start and at stop, never on a request's path.
 */
public final class PushOwners {
    /** A worker's event loop and the pushes it runs there. */
    private record Owner(Context context, PushService pushes) {
    }

    private final AtomicReferenceArray<Owner> owners;

    public PushOwners(int workers) {
        this.owners = new AtomicReferenceArray<>(workers);
    }

    /** Called on the worker's own event loop once its pushes can run. */
    public void register(int worker, Context context, PushService pushes) {
        owners.set(worker, new Owner(context, pushes));
    }

    /** From now on the worker's partitions are pushed by whoever receives the request. */
    public void unregister(int worker) {
        owners.set(worker, null);
    }

    /** The worker that pushes into this partition. */
    public int ownerOf(String queue, String partition) {
        return Math.floorMod(31 * queue.hashCode() + partition.hashCode(), owners.length());
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
            int ownerId = ownerOf(batch.queue(0), batch.partition(0));
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
