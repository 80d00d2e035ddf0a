package io.queen.queue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push fusion without PostgreSQL: the database call is a stand-in the test answers by hand, so
 * what waits, what is fused, how results are split and what a failure does are all visible.
 */
class PushServiceTest {
    private static Vertx vertx;
    /** Queue → partitions of every wake-up announced, in order. */
    private static final LinkedBlockingQueue<String> ANNOUNCED = new LinkedBlockingQueue<>();
    /** What the service announced, as "queue=partitions". */
    private static final NewMessages ANNOUNCE =
            byQueue -> byQueue.forEach((queue, partitions) -> ANNOUNCED.add(queue + "=" + partitions));

    /** Every database call the service made, in order, each answered when the test says. */
    private final List<Call> calls = new ArrayList<>();

    private record Call(PushBatch batch, Promise<List<PushResult>> promise) {
        /** Answers every item as queued, in a partition named after its queue and partition. */
        void succeed() {
            List<PushResult> results = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                results.add(new PushResult(i, "queued", UUID.randomUUID(), partitionId(batch.queue(i),
                        batch.partition(i)), null, batch.transactionId(i), batch.queue(i)));
            }
            promise.complete(results);
        }
    }

    @BeforeAll
    static void startEventBus() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopEventBus() {
        vertx.close().await();
    }

    @BeforeEach
    void noOldWakeUps() {
        ANNOUNCED.clear();
    }

    private PushService service(int maxInFlight, int maxItemsPerCall) {
        return new PushService(batch -> {
            Promise<List<PushResult>> promise = Promise.promise();
            calls.add(new Call(batch, promise));
            return promise.future();
        }, ANNOUNCE, maxInFlight, maxItemsPerCall, 0);
    }

    static UUID partitionId(String queue, String partition) {
        return UUID.nameUUIDFromBytes((queue + "/" + partition).getBytes(StandardCharsets.UTF_8));
    }

    /** A request of {@code items} messages to queue q, partition p; transaction ids name the request. */
    private static PushBatch request(String name, int items) {
        return request(name, items, "q", "p");
    }

    private static PushBatch request(String name, int items, String queue, String partition) {
        PushBatch b = new PushBatch();
        for (int i = 0; i < items; i++) {
            b.add(queue, partition, name + "-" + i, "{\"i\":" + i + "}", null, null);
        }
        return b;
    }

    private static List<String> transactionIds(PushBatch batch) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ids.add(batch.transactionId(i));
        }
        return ids;
    }

    /**
     * Pushes the requests while a first call holds the only slot, then lets that call answer:
     * the requests are then fused into call 1. Answers their futures.
     */
    private List<Future<List<PushResult>>> fusedBehindAnother(PushService pushes, PushBatch... requests) {
        pushes.push(request("first", 1));
        List<Future<List<PushResult>>> answers = new ArrayList<>();
        for (PushBatch r : requests) {
            answers.add(pushes.push(r));
        }
        calls.get(0).succeed();
        assertEquals(2, calls.size());
        return answers;
    }

    /** A request's own results: indices from 0, its own transaction ids, in order. */
    private static void assertOwnResults(Future<List<PushResult>> answer, String name, int items) {
        assertTrue(answer.succeeded(), name + ": " + answer.cause());
        List<PushResult> results = answer.result();
        assertEquals(items, results.size(), name);
        for (int i = 0; i < items; i++) {
            assertEquals(i, results.get(i).index(), name);
            assertEquals(name + "-" + i, results.get(i).transactionId(), name);
            assertEquals("queued", results.get(i).status(), name);
        }
    }

    @Test
    void aLoneRequestGoesStraightThroughAsItIs() {
        PushService pushes = service(2, 100);
        PushBatch batch = request("a", 3);
        Future<List<PushResult>> answer = pushes.push(batch);
        assertEquals(1, calls.size());
        assertSame(batch, calls.get(0).batch(), "a lone request is not copied");
        assertEquals(1, pushes.freeSlots());
        assertEquals(0, pushes.waitingRequests());
        calls.get(0).succeed();
        assertOwnResults(answer, "a", 3);
        assertEquals(2, pushes.freeSlots());
        assertEquals(1, pushes.calls());
    }

    @Test
    void anEmptyRequestMakesNoCall() {
        PushService pushes = service(1, 100);
        Future<List<PushResult>> answer = pushes.push(new PushBatch());
        assertTrue(answer.succeeded());
        assertTrue(answer.result().isEmpty());
        assertTrue(calls.isEmpty());
        assertEquals(0, pushes.calls());
    }

    @Test
    void requestsArrivingWhileTheCallsRunAreFusedIntoTheNextCall() {
        PushService pushes = service(2, 100);
        Future<List<PushResult>> a = pushes.push(request("a", 1));
        Future<List<PushResult>> b = pushes.push(request("b", 2));
        assertEquals(2, calls.size(), "two calls may run at once");
        assertEquals(0, pushes.freeSlots());
        Future<List<PushResult>> c = pushes.push(request("c", 3));
        Future<List<PushResult>> d = pushes.push(request("d", 1));
        Future<List<PushResult>> e = pushes.push(request("e", 2));
        assertEquals(2, calls.size(), "no slot: the others wait");
        assertEquals(3, pushes.waitingRequests());
        assertTrue(!c.isComplete() && !d.isComplete() && !e.isComplete());

        calls.get(1).succeed();
        assertOwnResults(b, "b", 2);
        assertEquals(3, calls.size());
        assertEquals(List.of("c-0", "c-1", "c-2", "d-0", "e-0", "e-1"), transactionIds(calls.get(2).batch()),
                "one call with the waiting requests' items in arrival order");
        assertEquals(0, pushes.waitingRequests());
        assertEquals(List.of("{\"i\":0}", "{\"i\":1}", "{\"i\":2}", "{\"i\":0}", "{\"i\":0}", "{\"i\":1}"),
                List.of(0, 1, 2, 3, 4, 5).stream().map(calls.get(2).batch()::payload).toList());

        calls.get(2).succeed();
        assertOwnResults(c, "c", 3);
        assertOwnResults(d, "d", 1);
        assertOwnResults(e, "e", 2);
        assertTrue(!a.isComplete(), "a's call has not answered");
        calls.get(0).succeed();
        assertOwnResults(a, "a", 1);
        assertEquals(3, pushes.calls());
        assertEquals(2, pushes.freeSlots());
    }

    @Test
    void splitResultsKeepEverythingButTheIndex() {
        List<Future<List<PushResult>>> answers = fusedBehindAnother(service(1, 100), request("x", 2), request("y", 2));
        Future<List<PushResult>> x = answers.get(0);
        Future<List<PushResult>> y = answers.get(1);
        Call fused = calls.get(1);
        List<PushResult> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(new PushResult(i, i % 2 == 0 ? "queued" : "duplicate", UUID.randomUUID(), UUID.randomUUID(),
                    UUID.randomUUID(), fused.batch().transactionId(i), "q"));
        }
        fused.promise().complete(all);
        assertEquals(all.subList(0, 2), x.result(), "the first request's results are the call's own");
        for (int i = 0; i < 2; i++) {
            PushResult own = y.result().get(i);
            PushResult original = all.get(2 + i);
            assertEquals(new PushResult(i, original.status(), original.messageId(), original.partitionId(),
                    original.traceId(), original.transactionId(), original.queue()), own);
        }
    }

    @Test
    void aFusedCallTakesRequestsOnlyWhileTheyFitTheItemLimit() {
        PushService pushes = service(1, 5);
        pushes.push(request("first", 1));
        List<Future<List<PushResult>>> answers = new ArrayList<>();
        int[] sizes = {2, 3, 1, 7, 2};
        for (int i = 0; i < sizes.length; i++) {
            answers.add(pushes.push(request("r" + i, sizes[i])));
        }
        // 2+3 fit 5; 1 does not fit after them; 1 alone, then 7 would not fit with it; 7 is
        // over the limit but goes alone rather than never; 2 last
        for (int i = 0; i < 5; i++) {
            calls.get(i).succeed();
        }
        assertEquals(List.of(1, 5, 1, 7, 2), calls.stream().map(c -> c.batch().size()).toList());
        for (int i = 0; i < sizes.length; i++) {
            assertOwnResults(answers.get(i), "r" + i, sizes[i]);
        }
        assertEquals(5, pushes.calls());
    }

    @Test
    void oneBadRequestDoesNotFailThoseItWasFusedWith() {
        PushService pushes = service(1, 100);
        List<Future<List<PushResult>>> answers = fusedBehindAnother(pushes, request("good", 2), request("bad", 1),
                request("late", 1));
        Future<List<PushResult>> good = answers.get(0);
        Future<List<PushResult>> bad = answers.get(1);
        Future<List<PushResult>> late = answers.get(2);
        calls.get(1).promise().fail(new IllegalArgumentException("invalid input in one item"));
        // each request of the failed call is tried again alone, at once
        assertEquals(List.of("good-0", "good-1"), transactionIds(calls.get(2).batch()));
        assertEquals(List.of("bad-0", "late-0"), List.of(calls.get(3).batch().transactionId(0),
                calls.get(4).batch().transactionId(0)));
        assertEquals(5, calls.size());
        assertEquals(0, pushes.freeSlots(), "the slot stays taken until every retry has answered");
        calls.get(2).succeed();
        calls.get(3).promise().fail(new IllegalArgumentException("invalid input in one item"));
        calls.get(4).succeed();
        assertOwnResults(good, "good", 2);
        assertOwnResults(late, "late", 1);
        assertTrue(bad.failed());
        assertEquals("invalid input in one item", bad.cause().getMessage());
        assertEquals(1, pushes.freeSlots());
    }

    @Test
    void anUnavailableDatabaseFailsTheWholeFusedCallWithoutRetries() {
        PushService pushes = service(1, 100);
        List<Future<List<PushResult>>> answers = fusedBehindAnother(pushes, request("a", 1), request("b", 1));
        IOException down = new IOException("Connection reset");
        calls.get(1).promise().fail(down);
        assertEquals(2, calls.size(), "no retry");
        assertSame(down, answers.get(0).cause());
        assertSame(down, answers.get(1).cause());
        assertEquals(1, pushes.freeSlots());
    }

    @Test
    void aLoneRequestThatFailsIsNotRetried() {
        PushService pushes = service(1, 100);
        Future<List<PushResult>> a = pushes.push(request("a", 2));
        calls.get(0).promise().fail(new IllegalStateException("rejected"));
        assertEquals(1, calls.size());
        assertEquals("rejected", a.cause().getMessage());
        // the slot is free again: the next request goes straight through
        pushes.push(request("b", 1));
        assertEquals(2, calls.size());
    }

    @Test
    void aCallThatNeverAnswersFailsAtTheDeadline() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            PushService pushes = new PushService(batch -> Promise.<List<PushResult>>promise().future(),
                    ANNOUNCE, 1, 100, 50);
            pushes.push(request("a", 1)).onComplete(ar -> failure.complete(ar.cause()));
        });
        Throwable cause = failure.get(10, TimeUnit.SECONDS);
        assertInstanceOf(TimeoutException.class, cause);
    }

    @Test
    void aSuccessfulCallWakesTheQueuesThatGotMessages() throws Exception {
        PushService pushes = service(1, 100);
        pushes.push(request("first", 2, "orders", "p1"));
        PushBatch mixed = request("m", 1, "orders", "p2");
        mixed.add("orders", "p1", "m-1", "{}", null, null);
        mixed.add("audit", "p9", "m-2", "{}", null, null);
        pushes.push(mixed);
        calls.get(0).succeed();
        assertEquals("orders=1", ANNOUNCED.poll(5, TimeUnit.SECONDS));
        calls.get(1).succeed();
        List<String> second = List.of(ANNOUNCED.poll(5, TimeUnit.SECONDS), ANNOUNCED.poll(5, TimeUnit.SECONDS));
        assertEquals(List.of("audit=1", "orders=2"), second.stream().sorted().toList());
        assertNull(ANNOUNCED.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void partitionsByQueueCountsDistinctPartitionsThatReceivedMessages() {
        UUID p1 = UUID.randomUUID();
        UUID p2 = UUID.randomUUID();
        UUID p3 = UUID.randomUUID();
        List<PushResult> results = List.of(
                new PushResult(0, "queued", null, p1, null, "t0", "a"),
                new PushResult(1, "queued", null, p1, null, "t1", "a"),
                new PushResult(2, "queued", null, p2, null, "t2", "a"),
                new PushResult(3, "duplicate", null, p3, null, "t3", "a"),
                new PushResult(4, "duplicate", null, p3, null, "t4", "b"),
                new PushResult(5, "queued", null, p3, null, "t5", "c"));
        assertEquals(Map.of("a", 2, "c", 1), PushService.partitionsByQueue(results));
        assertEquals(Map.of(), PushService.partitionsByQueue(List.of()));
    }
}
