package io.queen.queue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pushes go to the worker that owns the partition, and answer on the worker that received the
 * request. Two event loops, each with a PushService whose "database" records the thread it was
 * called on (the HTTP tests run two workers too, with this routing under every push).
 */
class PushOwnersTest {
    /** Two instances, so that the two loops are surely different threads. */
    private static Vertx vertx0;
    private static Vertx vertx1;
    private static Context loop0;
    private static Context loop1;

    @BeforeAll
    static void start() {
        vertx0 = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx1 = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        loop0 = vertx0.getOrCreateContext();
        loop1 = vertx1.getOrCreateContext();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx0.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx1.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The current thread, told apart from a same-named one of the other instance. */
    private static String me() {
        return Thread.currentThread().getName() + "#" + Thread.currentThread().getId();
    }

    /** A PushService whose calls record the calling thread. */
    private static PushService service(List<String> calledOn) {
        return new PushService(batch -> {
            calledOn.add(me());
            List<PushResult> results = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                results.add(new PushResult(i, "queued", batch.messageId(i), null, null, batch.transactionId(i),
                        batch.queue(i)));
            }
            return Future.succeededFuture(results);
        }, partitions -> { }, 1, 100, 0);
    }

    /** A push large enough to go to its partition's owner, whatever the number of workers. */
    private static PushBatch batch(String queue, String partition) {
        return batch(queue, partition, PushOwners.SMALL_PUSH_ITEMS + 1);
    }

    private static PushBatch batch(String queue, String partition, int items) {
        PushBatch b = new PushBatch();
        for (int i = 0; i < items; i++) {
            b.add(queue, partition, "t-" + partition + "-" + i, "{}", null, null);
        }
        return b;
    }

    private static <T> T on(Context context, java.util.function.Supplier<T> action) throws Exception {
        CompletableFuture<T> out = new CompletableFuture<>();
        context.runOnContext(v -> out.complete(action.get()));
        return out.get(10, TimeUnit.SECONDS);
    }

    /** A partition owned by worker {@code owner} of two. */
    private static String partitionOwnedBy(PushOwners owners, int owner) {
        for (int i = 0; ; i++) {
            if (owners.ownerOf("q", "p" + i, PushOwners.SMALL_PUSH_ITEMS + 1) == owner) {
                return "p" + i;
            }
        }
    }

    @Test
    void aPushRunsOnItsOwnerAndAnswersOnTheReceiver() throws Exception {
        PushOwners owners = new PushOwners(2);
        List<String> calls0 = new ArrayList<>();
        List<String> calls1 = new ArrayList<>();
        PushService pushes0 = on(loop0, () -> service(calls0));
        PushService pushes1 = on(loop1, () -> service(calls1));
        owners.register(0, loop0, pushes0);
        owners.register(1, loop1, pushes1);
        String thread0 = on(loop0, () -> me());
        String thread1 = on(loop1, () -> me());
        assertNotEquals(thread0, thread1);

        PushOwners.Route received0 = owners.route(0, loop0, pushes0);
        CompletableFuture<String> answeredOn = new CompletableFuture<>();
        String owned1 = partitionOwnedBy(owners, 1);
        loop0.runOnContext(v -> received0.push(batch("q", owned1))
                .onComplete(ar -> answeredOn.complete(ar.succeeded() ? me() : "failed")));
        assertEquals(thread0, answeredOn.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(thread1), calls1, "worker 1 owns the partition");
        assertTrue(calls0.isEmpty());

        // a small push into the same partition is fused by the first half of the workers
        CompletableFuture<Void> small = new CompletableFuture<>();
        loop0.runOnContext(v -> received0.push(batch("q", owned1, 1)).onComplete(ar -> small.complete(null)));
        small.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(thread0), calls0, "one worker of two fuses the small pushes");
        // also those that worker 1 receives
        PushOwners.Route received1 = owners.route(1, loop1, pushes1);
        CompletableFuture<String> smallAnsweredOn = new CompletableFuture<>();
        loop1.runOnContext(v -> received1.push(batch("q", owned1, 1))
                .onComplete(ar -> smallAnsweredOn.complete(ar.succeeded() ? me() : "failed")));
        assertEquals(thread1, smallAnsweredOn.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(thread0, thread0), calls0);
        assertEquals(List.of(thread1), calls1);
        calls0.clear();

        // its own partitions, worker 0 pushes itself
        String owned0 = partitionOwnedBy(owners, 0);
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop0.runOnContext(v -> received0.push(batch("q", owned0)).onComplete(ar -> done.complete(null)));
        done.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(thread0), calls0);

        // a stopped owner's partitions are pushed by the receiver
        owners.unregister(1);
        CompletableFuture<Void> after = new CompletableFuture<>();
        loop0.runOnContext(v -> received0.push(batch("q", owned1)).onComplete(ar -> after.complete(null)));
        after.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(thread0, thread0), calls0);
        assertEquals(1, calls1.size());
    }

    @Test
    void ownershipSpreadsOverTheWorkers() {
        PushOwners owners = new PushOwners(4);
        int[] large = new int[4];
        int[] small = new int[4];
        for (int i = 0; i < 2000; i++) {
            large[owners.ownerOf("queue-" + (i % 7), "partition-" + i, PushOwners.SMALL_PUSH_ITEMS + 1)]++;
            small[owners.ownerOf("queue-" + (i % 7), "partition-" + i, PushOwners.SMALL_PUSH_ITEMS)]++;
        }
        for (int w = 0; w < 4; w++) {
            assertTrue(large[w] > 400, "large pushes over all four workers: " + java.util.Arrays.toString(large));
        }
        assertTrue(small[0] > 800 && small[1] > 800 && small[2] == 0 && small[3] == 0,
                "small pushes over the first two workers: " + java.util.Arrays.toString(small));
    }
}
