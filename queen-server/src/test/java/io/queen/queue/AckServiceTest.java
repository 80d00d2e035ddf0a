package io.queen.queue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ack fusion without PostgreSQL: the database call is a stand-in the test answers by hand, so
 * what waits, what is fused (same group only), how results are split and what a failure does
 * are all visible. The service runs on the test's thread, as it would on its event loop.
 */
class AckServiceTest {
    private final List<Call> calls = new ArrayList<>();
    private final AckService acks = new AckService((items, group) -> {
        Call call = new Call(items, group, Promise.promise());
        calls.add(call);
        return call.promise().future();
    }, 1, 1_000);

    private record Call(List<AckItem> items, String group, Promise<List<AckResult>> promise) {
        /** Answers each item as acked, index = position in the call (as the SQL does). */
        void succeed() {
            List<AckResult> results = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                results.add(new AckResult(i, items.get(i).transactionId(), true, null, "q", "p", true, false));
            }
            promise.complete(results);
        }
    }

    private static List<AckItem> items(String... transactionIds) {
        List<AckItem> items = new ArrayList<>();
        for (String t : transactionIds) {
            items.add(new AckItem(t, UUID.randomUUID(), "completed", null, null));
        }
        return items;
    }

    @Test
    void waitingRequestsOfOneGroupShareACallAndGetTheirOwnResults() {
        Future<List<AckResult>> first = acks.ack(items("a"), "g");
        Future<List<AckResult>> second = acks.ack(items("b", "c"), "g");
        Future<List<AckResult>> other = acks.ack(items("x"), "h");
        Future<List<AckResult>> third = acks.ack(items("d"), "g");
        assertEquals(1, calls.size(), "one call in flight, the rest wait");
        calls.get(0).succeed();
        assertEquals(List.of("a"), ids(first.result()));

        assertEquals(2, calls.size());
        assertEquals("g", calls.get(1).group());
        assertEquals(List.of("b", "c", "d"), calls.get(1).items().stream().map(AckItem::transactionId).toList(),
                "the same group's waiting requests, fused past the other group's");
        calls.get(1).succeed();
        assertEquals(List.of("b", "c"), ids(second.result()));
        assertEquals(List.of(0, 1), second.result().stream().map(AckResult::index).toList());
        assertEquals(List.of("d"), ids(third.result()));
        assertEquals(List.of(0), third.result().stream().map(AckResult::index).toList(), "indexed from 0 again");

        assertEquals(3, calls.size());
        assertEquals("h", calls.get(2).group());
        calls.get(2).succeed();
        assertEquals(List.of("x"), ids(other.result()));
    }

    @Test
    void aFusedCallThatFailsIsRetriedRequestByRequest() {
        Future<List<AckResult>> blocker = acks.ack(items("a"), "g");
        Future<List<AckResult>> good = acks.ack(items("b"), "g");
        Future<List<AckResult>> bad = acks.ack(items("c"), "g");
        calls.get(0).succeed();
        assertTrue(blocker.succeeded());
        calls.get(1).promise().fail(new IllegalStateException("one bad item"));
        // each request alone now
        assertEquals(List.of("b"), calls.get(2).items().stream().map(AckItem::transactionId).toList());
        calls.get(2).succeed();
        assertEquals(List.of("b"), ids(good.result()));
        assertEquals(List.of("c"), calls.get(3).items().stream().map(AckItem::transactionId).toList());
        calls.get(3).promise().fail(new IllegalStateException("still bad"));
        assertTrue(bad.failed());
        assertEquals("still bad", bad.cause().getMessage());
    }

    private static List<String> ids(List<AckResult> results) {
        return results.stream().map(AckResult::transactionId).toList();
    }
}
