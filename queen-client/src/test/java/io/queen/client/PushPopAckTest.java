package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Push, pop, ack, leases, transactions, buffered pushes and the admin calls against a real server. */
class PushPopAckTest extends OneServerTest {
    record Order(int id, String item) {
    }

    @Test
    void pushPopAckRoundTrip() {
        String name = q("roundtrip");
        QueueRef queue = queen.queue(name).partition("customer-42");
        PushResult pushed = queue.push(new Order(1, "book"));
        assertEquals("queued", pushed.status());
        assertNotNull(pushed.messageId());
        assertNotNull(pushed.transactionId(), "the client gives every message a transaction id");
        assertEquals('7', pushed.transactionId().charAt(14), "a UUIDv7");
        queue.pushJson("{\"id\":2,\"item\":\"pen\"}");

        List<Message> popped = queen.queue(name).batch(10).pop();
        assertEquals(2, popped.size());
        Message first = popped.get(0);
        assertEquals(new Order(1, "book"), first.data(Order.class));
        assertEquals("{\"id\":2,\"item\":\"pen\"}", popped.get(1).rawData());
        assertEquals(name, first.queue());
        assertEquals("customer-42", first.partition());
        assertEquals(pushed.transactionId(), first.transactionId());
        assertEquals(pushed.messageId(), first.id());
        assertFalse(first.leaseId().isEmpty());
        assertEquals("__QUEUE_MODE__", first.consumerGroup());
        assertTrue(first.createdAt().isBefore(Instant.now().plusSeconds(5)));

        List<AckResult> acks = queen.ack(popped);
        assertEquals(2, acks.size());
        assertTrue(acks.stream().allMatch(AckResult::success), acks.toString());
        assertTrue(queen.queue(name).pop().isEmpty(), "acked messages are not delivered again");
    }

    @Test
    void explicitTransactionIdsDeduplicateAndPayloadsKeepTheirJsonTypes() {
        String name = q("dedup");
        QueueRef queue = queen.queue(name);
        List<PushResult> results = queue.push(List.of(
                OutgoingMessage.of("plain string").transactionId("a"),
                OutgoingMessage.json("[1,2,3]").transactionId("b"),
                OutgoingMessage.of(null).transactionId("c")));
        assertEquals(List.of("queued", "queued", "queued"), results.stream().map(PushResult::status).toList());
        PushResult again = queue.push(OutgoingMessage.of("other").transactionId("a"));
        assertTrue(again.duplicate());
        assertEquals(results.get(0).messageId(), again.messageId());

        List<Message> popped = queue.batch(10).pop();
        assertEquals(3, popped.size());
        assertEquals("plain string", popped.get(0).data().asText());
        assertTrue(popped.get(1).data().isArray());
        assertTrue(popped.get(2).data().isNull());
        queen.ack(popped);
    }

    @Test
    void asyncPushAndLongPoll() throws Exception {
        String name = q("async");
        CompletableFuture<List<Message>> parked = queen.queue(name).wait(true).timeout(Duration.ofSeconds(10)).popAsync();
        Thread.sleep(300);
        PushResult pushed = queen.queue(name).pushAsync(Map.of("n", 1)).get();
        List<Message> popped = parked.get();
        assertEquals(1, popped.size());
        assertEquals(pushed.messageId(), popped.get(0).id());
        queen.ack(popped.get(0));
        long t0 = System.nanoTime();
        assertTrue(queen.queue(name).wait(true).timeout(Duration.ofMillis(500)).pop().isEmpty());
        assertTrue(System.nanoTime() - t0 >= 400_000_000L, "the long-poll waited");
    }

    @Test
    void consumerGroupsEachSeeEveryMessageAndSubscriptionNewSkipsThePast() {
        String name = q("groups");
        queen.queue(name).push(1);
        Message a = queen.queue(name).group("a").pop().get(0);
        Message b = queen.queue(name).group("b").pop().get(0);
        assertEquals(a.id(), b.id());
        assertEquals("a", a.consumerGroup());
        queen.ack(List.of(a, b));
        assertTrue(queen.queue(name).group("late").subscriptionMode("new").pop().isEmpty());
        queen.queue(name).push(2);
        assertEquals(2, queen.queue(name).group("late").subscriptionMode("new").pop().get(0).data().asInt());
    }

    @Test
    void nackRetriesThenDeadLetters() {
        String name = q("nack");
        queen.queue(name).configure(QueueOptions.builder().retryLimit(1).build());
        queen.queue(name).push(Map.of("poison", true));
        Message first = queen.queue(name).pop().get(0);
        assertFalse(queen.nack(first, "boom 1").dlq());
        Message second = queen.queue(name).pop().get(0);
        assertEquals(first.id(), second.id(), "redelivered after a failed ack");
        assertTrue(queen.nack(second, "boom 2").dlq());
        assertTrue(queen.queue(name).pop().isEmpty());
        JsonNode dlq = queen.admin().dlq(name, null, 10, 0);
        assertEquals(1, dlq.path("messages").size());
        assertEquals("boom 2", dlq.path("messages").get(0).path("errorMessage").asText());
        // back from the dead-letter queue
        assertEquals(1, queen.admin().retryDlq(dlq));
        assertEquals(first.transactionId(), queen.queue(name).pop().get(0).transactionId());
    }

    @Test
    void leaseRenewalAndRelease() {
        String name = q("lease");
        queen.queue(name).push("x");
        Message m = queen.queue(name).pop().get(0);
        LeaseRenewal renewal = queen.renewLease(m.leaseId(), Duration.ofSeconds(120));
        assertTrue(renewal.success(), renewal.toString());
        assertTrue(renewal.expiresAt().isAfter(Instant.now().plusSeconds(100)));
        assertFalse(queen.renewLease(UUID.randomUUID().toString()).success());
        assertTrue(queen.queue(name).pop().isEmpty(), "leased");
        queen.ack(List.of(m), AckStatus.RETRY, null);
        assertEquals(m.id(), queen.queue(name).pop().get(0).id(), "a retry ack gives the lease back");
    }

    @Test
    void transactionAcksAndPushesAtomically() {
        String in = q("tx-in");
        String out = q("tx-out");
        queen.queue(in).push(Map.of("order", 7));
        Message m = queen.queue(in).pop().get(0);
        JsonNode result = queen.transaction()
                .ack(m)
                .queue(out).partition("p1").push(Map.of("invoice", m.data().get("order").asInt()))
                .commit();
        assertTrue(result.path("success").asBoolean());
        assertTrue(queen.queue(in).pop().isEmpty());
        Message moved = queen.queue(out).pop().get(0);
        assertEquals(7, moved.data().get("invoice").asInt());
        assertEquals("p1", moved.partition());

        // a failing operation rolls back the whole transaction
        Message fake = new Message(queen.mapper.createObjectNode().put("transactionId", "nope")
                .put("partitionId", moved.partitionId()), out, queen.mapper);
        assertThrows(QueenException.class, () -> queen.transaction()
                .queue(out).push("never").ack(fake).commit());
        queen.ack(moved);
        assertTrue(queen.queue(out).pop().isEmpty(), "the push of the failed transaction was rolled back");
        assertThrows(IllegalStateException.class, () -> queen.transaction().commit());
    }

    @Test
    void bufferedPushFlushesOnCountOnTimeAndOnClose() throws Exception {
        String name = q("buffer");
        BufferedProducer byCount = queen.queue(name).buffer(3, Duration.ofHours(1));
        List<CompletableFuture<PushResult>> futures = new ArrayList<>();
        futures.add(byCount.push(1));
        futures.add(byCount.push(2));
        Thread.sleep(200);
        assertFalse(futures.get(0).isDone(), "below the count nothing is sent");
        futures.add(byCount.push(3));
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
        assertEquals(3, queen.queue(name).batch(10).pop().size());

        String timed = q("buffer-time");
        BufferedProducer byTime = queen.queue(timed).buffer(1000, Duration.ofMillis(300));
        CompletableFuture<PushResult> one = byTime.push("t");
        assertEquals("queued", one.get().status(), "sent when the time ran out");
        assertEquals(0, byTime.pending());

        String closing = q("buffer-close");
        BufferedProducer onClose = queen.queue(closing).buffer(1000, Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            onClose.pushJson("{\"i\":" + i + "}");
        }
        onClose.close();
        List<Message> popped = queen.queue(closing).batch(10).pop();
        assertEquals(5, popped.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, popped.get(i).data().get("i").asInt(), "order kept");
        }
        assertThrows(IllegalStateException.class, () -> onClose.push(6));
    }

    @Test
    void adminCalls() {
        String name = q("admin");
        JsonNode configured = queen.admin().configure(name, QueueOptions.builder()
                .leaseTime(42).retryLimit(2).namespace("ns1").build());
        assertEquals(42, configured.path("options").path("leaseTime").asInt());
        queen.queue(name).partition("p").push("hello");
        assertEquals(name, queen.queue(name).describe().path("name").asText());
        assertTrue(queen.admin().queues().path("queues").size() >= 1);
        assertEquals(42, queen.admin().statusQueue(name).path("queue").path("config").path("leaseTime").asInt());

        Message m = queen.queue(name).group("g").pop().get(0);
        queen.ack(m);
        assertTrue(queen.admin().consumerGroups().isArray());
        assertTrue(queen.admin().consumerGroup("g").has(name));
        assertTrue(queen.admin().seekToEnd("g", name).path("success").asBoolean());
        assertTrue(queen.admin().seek("g", name, Instant.now().minusSeconds(3600)).path("success").asBoolean());
        assertEquals(m.id(), queen.queue(name).group("g").pop().get(0).id(), "seek back redelivers");

        JsonNode listed = queen.admin().messages(Map.of("queue", name));
        assertEquals(1, listed.path("messages").size());
        assertEquals("hello", queen.admin().message(m.partitionId(), m.transactionId()).path("payload").asText());
        QueenException missing = assertThrows(QueenException.class,
                () -> queen.admin().message(m.partitionId(), "no-such-message"));
        assertEquals(404, missing.status());

        assertFalse(queen.admin().maintenance().path("maintenanceMode").asBoolean());
        assertFalse(queen.admin().popMaintenance().path("popMaintenanceMode").asBoolean());
        assertEquals("healthy", queen.health().path("status").asText());
        assertTrue(queen.admin().metrics().has("database"));
        assertTrue(queen.admin().prometheus().contains("queen_"));
        assertTrue(queen.admin().overview().has("messages"));
        assertTrue(queen.admin().deleteConsumerGroup("g", name, true).path("success").asBoolean());
        assertTrue(queen.admin().deleteMessage(m.partitionId(), m.transactionId()));
        assertTrue(queen.queue(name).delete());
        assertEquals(404, assertThrows(QueenException.class, () -> queen.queue(name).describe()).status());
    }
}
