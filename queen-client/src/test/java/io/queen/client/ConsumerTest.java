package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Consumers: exact accounting under concurrency, failures to the DLQ, lease renewal, graceful stop. */
class ConsumerTest extends OneServerTest {
    /** Pushes {@code n} messages {@code {"i": k}} spread over {@code partitions} partitions. */
    private static void pushNumbered(String queue, int n, int partitions) {
        List<OutgoingMessage> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(OutgoingMessage.json("{\"i\":" + i + "}").partition("p" + (i % partitions)));
        }
        queen.queue(queue).push(batch);
    }

    private static void waitUntil(String what, Duration max, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void concurrentConsumerHandlesEveryMessageExactlyOnce() throws Exception {
        String name = q("exact");
        int n = 300;
        pushNumbered(name, n, 8);
        Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        Consumer consumer = queen.queue(name).group("workers").concurrency(4).batch(10)
                .consume(m -> seen.computeIfAbsent(m.data().get("i").asInt(), k -> new AtomicInteger()).incrementAndGet());
        waitUntil("all handled", Duration.ofSeconds(60), () -> consumer.processed() == n);
        consumer.stop();
        assertTrue(consumer.awaitTermination(Duration.ofSeconds(10)));
        assertFalse(consumer.isRunning());
        assertEquals(n, seen.size());
        assertTrue(seen.values().stream().allMatch(c -> c.get() == 1), "each handled once");
        assertEquals(0, consumer.failed());
        assertNull(consumer.lastError());
        assertTrue(queen.queue(name).group("workers").batch(100).pop().isEmpty(), "the cursor is at the end");
    }

    @Test
    void failingHandlerIsRetriedThenDeadLettered() throws Exception {
        String name = q("poison");
        queen.queue(name).configure(QueueOptions.builder().retryLimit(2).build());
        pushNumbered(name, 5, 1); // message 2 is poison; all in one partition
        Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
        Consumer consumer = queen.queue(name).batch(5).consume(m -> {
            int i = m.data().get("i").asInt();
            calls.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
            if (i == 2) {
                throw new IllegalStateException("poison " + i);
            }
        });
        waitUntil("the rest handled", Duration.ofSeconds(30), () -> consumer.processed() == 4);
        consumer.close();
        assertEquals(3, calls.get(2).get(), "first delivery + retryLimit 2");
        assertEquals(3, consumer.failed());
        for (int i : new int[]{0, 1, 3, 4}) {
            assertEquals(1, calls.get(i).get(), "message " + i + " handled once");
        }
        JsonNode dlq = queen.admin().dlq(name, null, 10, 0);
        assertEquals(1, dlq.path("messages").size());
        assertEquals("poison 2", dlq.path("messages").get(0).path("errorMessage").asText());
    }

    @Test
    void leaseIsRenewedWhileASlowHandlerRuns() throws Exception {
        String name = q("slow");
        queen.queue(name).configure(QueueOptions.builder().leaseTime(2).build());
        queen.queue(name).push("slow");
        AtomicInteger calls = new AtomicInteger();
        Consumer consumer = queen.queue(name).concurrency(3).consume(m -> {
            calls.incrementAndGet();
            Thread.sleep(5_000); // 2.5 leases
        });
        waitUntil("handled", Duration.ofSeconds(20), () -> consumer.processed() == 1);
        Thread.sleep(2_500); // a redelivery would show up now
        consumer.close();
        assertEquals(1, calls.get(), "no redelivery while the handler ran");
        assertNull(consumer.lastError());
        assertTrue(queen.queue(name).pop().isEmpty(), "acked");
    }

    @Test
    void gracefulStopLosesNothingAndHandlesNothingTwice() throws Exception {
        String name = q("graceful");
        // a long lease: only the consumer's own release (not an expiry) lets the second one finish
        queen.queue(name).configure(QueueOptions.builder().leaseTime(300).build());
        int n = 120;
        pushNumbered(name, n, 4);
        Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        MessageHandler handler = m -> {
            seen.computeIfAbsent(m.data().get("i").asInt(), k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(10);
        };
        Consumer first = queen.queue(name).concurrency(6).batch(10).consume(handler);
        waitUntil("some handled", Duration.ofSeconds(30), () -> first.processed() >= 30);
        first.stop();
        assertTrue(first.awaitTermination(Duration.ofSeconds(10)));
        assertTrue(first.processed() < n, "stopped before the end");

        Consumer second = queen.queue(name).concurrency(2).batch(10).idleStop(Duration.ofSeconds(5)).consume(handler);
        assertTrue(second.awaitTermination(Duration.ofSeconds(60)), "stops when idle");
        assertEquals(n, seen.size(), "nothing lost");
        assertTrue(seen.values().stream().allMatch(c -> c.get() == 1), "nothing handled twice: " + seen);
        assertEquals(n, first.processed() + second.processed());
    }

    @Test
    void limitBatchHandlerAndAutoAck() throws Exception {
        String name = q("limit");
        pushNumbered(name, 10, 1);
        Consumer limited = queen.queue(name).batch(3).limit(4).consume(m -> { });
        assertTrue(limited.awaitTermination(Duration.ofSeconds(20)));
        assertEquals(4, limited.processed());

        List<Integer> sizes = new ArrayList<>();
        Consumer batches = queen.queue(name).batch(4).idleStop(Duration.ofSeconds(1))
                .consumeBatch(ms -> sizes.add(ms.size()));
        assertTrue(batches.awaitTermination(Duration.ofSeconds(20)));
        assertEquals(6, sizes.stream().mapToInt(Integer::intValue).sum(), sizes.toString());

        String auto = q("autoack");
        pushNumbered(auto, 3, 1);
        Set<Integer> got = ConcurrentHashMap.newKeySet();
        Consumer autoAck = queen.queue(auto).autoAck(true).batch(10).idleStop(Duration.ofSeconds(1))
                .consume(m -> got.add(m.data().get("i").asInt()));
        assertTrue(autoAck.awaitTermination(Duration.ofSeconds(20)));
        assertEquals(Set.of(0, 1, 2), got);
        assertTrue(queen.queue(auto).pop().isEmpty());
    }

    @Test
    void aConsumerWhosePopsAreRefusedStopsAndSaysWhy() {
        Consumer refused = queen.queue(q("refused")).subscriptionMode("sometimes").consume(m -> { });
        assertTrue(refused.awaitTermination(Duration.ofSeconds(10)));
        assertEquals(400, ((QueenException) refused.lastError()).status());
    }
}
