package io.queen.client;

import io.queen.db.EmbeddedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two servers on one database: the client fails over when the one it uses stops, and retries
 * exactly the calls that are safe to repeat.
 */
class FailoverTest {
    private static EmbeddedDatabase db;
    private static TestServers.Running a;
    private static TestServers.Running b;

    @BeforeAll
    static void start() throws Exception {
        db = EmbeddedDatabase.start(TestServers.tempDir("queen-client-db"), 0);
        a = TestServers.onDatabase(db.port());
        b = TestServers.onDatabase(db.port());
    }

    @AfterAll
    static void stop() throws Exception {
        a.stop(); // stopping twice is harmless
        b.stop();
        db.close();
    }

    @Test
    void pushRetriedAfterALostAnswerIsStoredOnceAndAcksAreNotRepeated() throws Exception {
        try (DroppingProxy proxy = new DroppingProxy(b.port());
             Queen queen = Queen.builder().url(proxy.url()).backoff(Duration.ofMillis(50)).build()) {
            String name = "lost-answer-" + UUID.randomUUID();
            proxy.dropAnswers.set(1);
            PushResult pushed = queen.queue(name).push(Map.of("once", true)); // no transaction id given
            assertEquals("duplicate", pushed.status(), "the first attempt was stored, the retry found it");
            List<Message> popped = queen.queue(name).batch(10).pop();
            assertEquals(1, popped.size(), "stored once");

            proxy.count("POST /api/v1/ack");
            proxy.dropAnswers.set(1);
            QueenException lost = assertThrows(QueenException.class, () -> queen.ack(popped.get(0)));
            assertEquals(0, lost.status(), "no answer");
            assertEquals(1, proxy.counted(), "an ack is not sent twice");
        }
    }

    @Test
    void clientFailsOverWhenItsServerStopsAndNothingIsLost() throws Exception {
        String name = "failover-" + UUID.randomUUID();
        try (Queen admin = Queen.connect(b.url())) {
            admin.queue(name).configure(QueueOptions.builder().leaseTime(3).build());
        }
        int n = 200;
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        try (Queen queen = Queen.builder().urls(a.url(), b.url()).backoff(Duration.ofMillis(50)).build()) {
            Consumer consumer = queen.queue(name).concurrency(2).batch(5)
                    .consume(m -> handled.computeIfAbsent(m.transactionId(), k -> new AtomicInteger()).incrementAndGet());
            for (int i = 0; i < n; i++) {
                if (i == n / 2) {
                    a.stop(); // the server everyone was using
                }
                PushResult r = queen.queue(name).partition("p" + (i % 3)).push(Map.of("i", i));
                assertTrue(r.accepted(), r.toString());
            }
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (handled.size() < n && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            consumer.close();
            assertEquals(n, handled.size(), "every message handled (some may come twice after a lost ack)");
            assertTrue(queen.queue(name).pop().isEmpty(), "nothing left");
            assertEquals(n, queen.admin().messages(Map.of("queue", name, "limit", 1000)).path("messages").size(),
                    "stored once each");
            assertTrue(queen.health().path("status").asText().equals("healthy"));
        }
    }
}
