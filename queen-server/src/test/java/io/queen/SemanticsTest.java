package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Request validation, ack outcomes, retries/DLQ, lease expiry, consumer groups, subscription
 * modes, auto-ack, delayed processing, window buffer and multi-partition pops (spec 1.8-1.14,
 * 2.4-2.9, 3.3-3.5), all through HTTP against the shared test server.
 */
class SemanticsTest {
    private static final String QUEUE_MODE = "__QUEUE_MODE__";

    private final Http http = TestServer.shared().http;

    private static String queue() {
        return "t-" + UUID.randomUUID();
    }

    // ---------------------------------------------------------------- helpers

    private static JsonObject item(String queue, String partition, Object payload) {
        JsonObject item = new JsonObject().put("queue", queue).put("payload", payload);
        if (partition != null) {
            item.put("partition", partition);
        }
        return item;
    }

    private JsonArray push(JsonObject... items) {
        JsonArray list = new JsonArray();
        for (JsonObject item : items) {
            list.add(item);
        }
        return push(list);
    }

    private JsonArray push(JsonArray items) {
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
        JsonArray results = r.array();
        assertEquals(items.size(), results.size(), r.body());
        for (int i = 0; i < results.size(); i++) {
            assertEquals("queued", results.getJsonObject(i).getString("status"), r.body());
        }
        return results;
    }

    private void configure(String queue, JsonObject options) {
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", queue).put("options", options));
        assertEquals(200, r.status(), r.body());
        assertEquals(Boolean.TRUE, r.json().getBoolean("configured"), r.body());
    }

    /** A pop that must deliver messages. */
    private JsonObject popOk(String path) {
        Http.Response r = http.get(path);
        assertEquals(200, r.status(), path + " -> " + r.body());
        JsonObject body = r.json();
        assertEquals(Boolean.TRUE, body.getBoolean("success"), r.body());
        assertFalse(body.getJsonArray("messages").isEmpty(), r.body());
        return body;
    }

    private void assertEmptyPop(String path) {
        Http.Response r = http.get(path);
        assertEquals(204, r.status(), path + " -> " + r.body());
    }

    private JsonArray ack(JsonObject message, String status, String group) {
        JsonObject body = new JsonObject()
                .put("transactionId", message.getString("transactionId"))
                .put("partitionId", message.getString("partitionId"))
                .put("leaseId", message.getString("leaseId"))
                .put("status", status);
        if (group != null) {
            body.put("consumerGroup", group);
        }
        Http.Response r = http.post("/api/v1/ack", body);
        assertEquals(200, r.status(), r.body());
        JsonArray results = r.array();
        assertEquals(1, results.size(), r.body());
        return results;
    }

    private static List<Object> payloads(JsonArray messages) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(messages.getJsonObject(i).getValue("data"));
        }
        return out;
    }

    private static void assertErrorMentions(Http.Response r, String... fragments) {
        assertEquals(400, r.status(), r.body());
        JsonObject body;
        try {
            body = r.json();
        } catch (RuntimeException e) {
            throw new AssertionError("400 body is not a JSON object: " + r.body(), e);
        }
        Object error = body.getValue("error");
        assertTrue(error instanceof String, "no error string in " + r.body());
        String text = ((String) error).toLowerCase(Locale.ROOT);
        for (String fragment : fragments) {
            assertTrue(text.contains(fragment.toLowerCase(Locale.ROOT)),
                    "error '" + error + "' should mention '" + fragment + "'");
        }
    }

    // ---------------------------------------------------------------- push validation

    static Stream<Arguments> invalidPushBodies() {
        // %s is replaced by a fresh queue name; every body with items starts with a VALID item
        // for that queue, so a rejected request must not store it either.
        String valid = "{\"queue\":\"%s\",\"payload\":{\"ok\":1}}";
        return Stream.of(
                Arguments.of("empty body", "", new String[]{"Empty request body"}),
                Arguments.of("malformed json", "{\"items\":[" + valid + ",", new String[]{"Invalid JSON"}),
                Arguments.of("not json at all", "items please", new String[]{"Invalid JSON"}),
                Arguments.of("no items", "{\"queue\":\"%s\"}", new String[]{"items array is required"}),
                Arguments.of("items not an array", "{\"items\":" + valid + "}",
                        new String[]{"items array is required"}),
                Arguments.of("partition is a number", "{\"items\":[" + valid
                        + ",{\"queue\":\"%s\",\"partition\":5}]}", new String[]{"Partition must be a string"}),
                Arguments.of("partition is null", "{\"items\":[" + valid
                        + ",{\"queue\":\"%s\",\"partition\":null}]}", new String[]{"Partition must be a string"}),
                Arguments.of("queue missing", "{\"items\":[" + valid + ",{\"payload\":1}]}",
                        new String[]{"Queue must be a string"}),
                Arguments.of("queue is a number", "{\"items\":[" + valid + ",{\"queue\":12}]}",
                        new String[]{"Queue must be a string"}),
                Arguments.of("transactionId is a number", "{\"items\":[" + valid
                        + ",{\"queue\":\"%s\",\"transactionId\":42}]}",
                        new String[]{"TransactionId must be a string"}),
                Arguments.of("traceId is an object", "{\"items\":[" + valid
                        + ",{\"queue\":\"%s\",\"traceId\":{\"a\":1}}]}", new String[]{"TraceId must be a string"}),
                Arguments.of("traceId is not a uuid", "{\"items\":[" + valid
                        + ",{\"queue\":\"%s\",\"traceId\":\"not-a-uuid\"}]}", new String[]{"traceId", "uuid"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPushBodies")
    void invalidPushIsRejectedWith400AndWritesNothing(String name, String template, String[] fragments) {
        String q = queue();
        String body = template.replace("%s", q);
        Http.Response r = http.post("/api/v1/push", body);
        assertErrorMentions(r, fragments);
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/Default?batch=10");
    }

    @Test
    void emptyItemListAnswers201WithEmptyArray() {
        Http.Response r = http.post("/api/v1/push", "{\"items\":[]}");
        assertEquals(201, r.status(), r.body());
        assertEquals("[]", r.body().trim());
    }

    @Test
    void pushResultCarriesIdsTraceAndQueueName() {
        String q = queue();
        String trace = UUID.randomUUID().toString();
        JsonArray results = push(
                item(q, "A", 1).put("transactionId", "tx-a").put("traceId", trace),
                item(q, "B", 2));
        JsonObject first = results.getJsonObject(0);
        assertEquals(0, first.getInteger("index"));
        assertEquals("tx-a", first.getString("transaction_id"));
        assertEquals(trace, first.getString("trace_id"));
        assertEquals(q, first.getString("queueName"));
        assertNotNull(UUID.fromString(first.getString("message_id")));
        assertNotNull(UUID.fromString(first.getString("partition_id")));
        JsonObject second = results.getJsonObject(1);
        assertEquals(1, second.getInteger("index"));
        assertTrue(second.containsKey("trace_id"), second.encode());
        assertNull(second.getValue("trace_id"));
        assertFalse(second.getString("transaction_id").isEmpty(), "a transaction id is generated");
        assertNotEquals(first.getString("partition_id"), second.getString("partition_id"));

        // the same transaction id in another partition is not a duplicate
        JsonArray other = push(item(q, "B", 3).put("transactionId", "tx-a"));
        assertEquals("queued", other.getJsonObject(0).getString("status"));

        JsonObject popped = popOk("/api/v1/pop/queue/" + q + "/partition/A?batch=10");
        JsonObject m = popped.getJsonArray("messages").getJsonObject(0);
        assertEquals(trace, m.getString("traceId"));
        assertEquals("tx-a", m.getString("transactionId"));
        assertEquals(QUEUE_MODE, popped.getString("consumerGroup"));
        assertEquals(QUEUE_MODE, m.getString("consumerGroup"));
        assertEquals(first.getString("partition_id"), popped.getString("partitionId"));
        assertEquals(1, popped.getInteger("partitionsClaimed"));
    }

    @Test
    void duplicateResultHasNoPartitionOrTraceKeys() {
        String q = queue();
        JsonArray results = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(item(q, null, 1).put("transactionId", "same"))
                .add(item(q, null, 2).put("transactionId", "same")))).array();
        JsonObject dup = results.getJsonObject(1);
        assertEquals("duplicate", dup.getString("status"));
        assertFalse(dup.containsKey("partition_id"), dup.encode());
        assertFalse(dup.containsKey("trace_id"), dup.encode());
        assertEquals(results.getJsonObject(0).getString("message_id"), dup.getString("message_id"));
        JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(List.of(1), payloads(popped.getJsonArray("messages")));
    }

    // ---------------------------------------------------------------- pop validation

    @ParameterizedTest
    @ValueSource(strings = {"batch=abc", "batch=-1", "batch=0", "timeout=soon", "timeout=-5",
            "partitions=x", "partitions=-2", "wait=true&timeout=-1"})
    void invalidPopParametersAreRejected(String query) {
        String q = queue();
        push(item(q, null, 1));
        String param = query.contains("timeout") ? "timeout" : query.substring(0, query.indexOf('='));
        assertErrorMentions(http.get("/api/v1/pop/queue/" + q + "?" + query), param);
        if (!query.startsWith("partitions")) {
            assertErrorMentions(http.get("/api/v1/pop/queue/" + q + "/partition/Default?" + query), param);
        }
        // the rejected pops took no lease
        assertEquals(List.of(1), payloads(popOk("/api/v1/pop/queue/" + q).getJsonArray("messages")));
    }

    @Test
    void popOfUnknownQueueOrPartitionIs204() {
        assertEmptyPop("/api/v1/pop/queue/" + queue() + "?batch=5");
        String q = queue();
        push(item(q, "exists", 1));
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/missing?batch=5");
    }

    // ---------------------------------------------------------------- ack validation and outcomes

    @Test
    void ackRejectsMalformedIdsAndMissingFields() {
        String q = queue();
        push(item(q, null, 1));
        JsonObject m = popOk("/api/v1/pop/queue/" + q).getJsonArray("messages").getJsonObject(0);

        assertErrorMentions(http.post("/api/v1/ack", new JsonObject()
                .put("transactionId", m.getString("transactionId")).put("partitionId", "not-a-uuid")), "partitionId");
        assertErrorMentions(http.post("/api/v1/ack", new JsonObject()
                .put("transactionId", m.getString("transactionId")).put("partitionId", m.getString("partitionId"))
                .put("leaseId", "lease-42")), "leaseId");
        assertErrorMentions(http.post("/api/v1/ack", new JsonObject()
                .put("partitionId", m.getString("partitionId"))), "transactionId is required");
        assertErrorMentions(http.post("/api/v1/ack", new JsonObject()
                .put("transactionId", m.getString("transactionId"))), "partitionId is required");
        assertErrorMentions(http.post("/api/v1/ack", ""), "Empty request body");
        assertErrorMentions(http.post("/api/v1/ack", "{oops"), "Invalid JSON");
        assertErrorMentions(http.post("/api/v1/ack/batch", "{}"), "acknowledgments array is required");
        assertErrorMentions(http.post("/api/v1/ack/batch", new JsonObject().put("acknowledgments", new JsonArray()
                .add(new JsonObject().put("transactionId", m.getString("transactionId"))
                        .put("partitionId", m.getString("partitionId")))
                .add(new JsonObject().put("transactionId", "x").put("partitionId", "zzz")))), "partitionId");
        assertErrorMentions(http.post("/api/v1/ack/batch", new JsonObject().put("acknowledgments", new JsonArray()
                .add(new JsonObject().put("partitionId", m.getString("partitionId"))))), "transactionId");

        // none of the rejected acks (the batch one contained a valid item) had any effect:
        // the lease is still held, so the message is neither redelivered nor consumed
        assertEmptyPop("/api/v1/pop/queue/" + q);
        JsonArray ok = ack(m, "completed", null);
        assertEquals(Boolean.TRUE, ok.getJsonObject(0).getBoolean("success"), ok.encode());
    }

    @Test
    void ackOfUnknownMessageOrWithWrongLeaseFails() {
        String q = queue();
        push(item(q, "P", "x"));
        JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=5");
        JsonObject m = popped.getJsonArray("messages").getJsonObject(0);

        JsonObject unknown = http.post("/api/v1/ack", new JsonObject()
                .put("transactionId", "no-such-" + UUID.randomUUID())
                .put("partitionId", m.getString("partitionId"))).array().getJsonObject(0);
        assertEquals(Boolean.FALSE, unknown.getBoolean("success"), unknown.encode());
        assertEquals("Message not found", unknown.getString("error"));
        assertEquals(0, unknown.getInteger("index"));

        JsonObject unknownPartition = http.post("/api/v1/ack", new JsonObject()
                .put("transactionId", m.getString("transactionId"))
                .put("partitionId", UUID.randomUUID().toString())).array().getJsonObject(0);
        assertEquals(Boolean.FALSE, unknownPartition.getBoolean("success"), unknownPartition.encode());
        assertEquals("Message not found", unknownPartition.getString("error"));

        JsonObject wrongLease = http.post("/api/v1/ack", new JsonObject()
                .put("transactionId", m.getString("transactionId"))
                .put("partitionId", m.getString("partitionId"))
                .put("leaseId", UUID.randomUUID().toString())).array().getJsonObject(0);
        assertEquals(Boolean.FALSE, wrongLease.getBoolean("success"), wrongLease.encode());
        assertEquals("Invalid or expired lease", wrongLease.getString("error"));

        // the failed acks changed nothing; the right lease succeeds and releases
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=5");
        JsonObject good = ack(m, "completed", null).getJsonObject(0);
        assertEquals(Boolean.TRUE, good.getBoolean("success"), good.encode());
        assertNull(good.getValue("error"));
        assertEquals(q, good.getString("queueName"));
        assertEquals("P", good.getString("partitionName"));
        assertEquals(m.getString("transactionId"), good.getString("transactionId"));
        assertEquals(Boolean.TRUE, good.getBoolean("leaseReleased"));
        assertEquals(Boolean.FALSE, good.getBoolean("dlq"));
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=5");
    }

    @Test
    void partialAckKeepsLeaseAndFullAckReleasesIt() {
        String q = queue();
        push(item(q, null, 1), item(q, null, 2), item(q, null, 3));
        JsonArray messages = popOk("/api/v1/pop/queue/" + q + "?batch=10").getJsonArray("messages");
        assertEquals(List.of(1, 2, 3), payloads(messages));

        JsonObject first = ack(messages.getJsonObject(0), "completed", null).getJsonObject(0);
        assertEquals(Boolean.TRUE, first.getBoolean("success"));
        assertEquals(Boolean.FALSE, first.getBoolean("leaseReleased"), first.encode());
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");

        JsonArray rest = new JsonArray().add(messages.getJsonObject(1)).add(messages.getJsonObject(2));
        JsonArray results = QueueClient.ackAll(http, rest, null);
        assertEquals(0, results.getJsonObject(0).getInteger("index"));
        assertEquals(1, results.getJsonObject(1).getInteger("index"));
        assertEquals(Boolean.TRUE, results.getJsonObject(1).getBoolean("leaseReleased"), results.encode());

        push(item(q, null, 4));
        assertEquals(List.of(4), payloads(popOk("/api/v1/pop/queue/" + q + "?batch=10").getJsonArray("messages")));
    }

    // ---------------------------------------------------------------- retries, DLQ, lease expiry

    @Test
    void failedAckRedeliversTheRemainderOfTheBatch() {
        String q = queue();
        configure(q, new JsonObject().put("retryLimit", 3));
        push(item(q, null, 1), item(q, null, 2), item(q, null, 3));
        JsonArray messages = popOk("/api/v1/pop/queue/" + q + "?batch=10").getJsonArray("messages");
        assertEquals(List.of(1, 2, 3), payloads(messages));
        assertEquals(Boolean.TRUE, ack(messages.getJsonObject(0), "completed", null).getJsonObject(0)
                .getBoolean("success"));
        JsonObject failed = ack(messages.getJsonObject(1), "failed", null).getJsonObject(0);
        assertEquals(Boolean.TRUE, failed.getBoolean("success"), failed.encode());
        assertEquals(Boolean.TRUE, failed.getBoolean("leaseReleased"), failed.encode());
        assertEquals(Boolean.FALSE, failed.getBoolean("dlq"), failed.encode());

        JsonObject again = popOk("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(List.of(2, 3), payloads(again.getJsonArray("messages")));
        assertNotEquals(messages.getJsonObject(0).getString("leaseId"), again.getString("leaseId"));
    }

    @Test
    void retryStatusReleasesTheLeaseForRedelivery() {
        String q = queue();
        push(item(q, null, "r"));
        JsonObject m = popOk("/api/v1/pop/queue/" + q).getJsonArray("messages").getJsonObject(0);
        JsonObject r = ack(m, "retry", null).getJsonObject(0);
        assertEquals(Boolean.TRUE, r.getBoolean("success"), r.encode());
        assertEquals(Boolean.TRUE, r.getBoolean("leaseReleased"), r.encode());
        JsonObject again = popOk("/api/v1/pop/queue/" + q).getJsonArray("messages").getJsonObject(0);
        assertEquals(m.getString("id"), again.getString("id"));
    }

    @Test
    void failedMessageGoesToDlqAfterRetryLimitAndOnlyForThatGroup() {
        String q = queue();
        int retryLimit = 2;
        configure(q, new JsonObject().put("retryLimit", retryLimit).put("leaseTime", 30));
        String id = push(item(q, null, "poison")).getJsonObject(0).getString("message_id");

        int deliveries = 0;
        boolean dlq = false;
        while (!dlq) {
            Http.Response r = http.get("/api/v1/pop/queue/" + q + "?batch=1&consumerGroup=workers");
            if (r.status() == 204) {
                fail("message not redelivered after " + deliveries + " deliveries");
            }
            assertEquals(200, r.status(), r.body());
            JsonObject m = r.json().getJsonArray("messages").getJsonObject(0);
            assertEquals(id, m.getString("id"));
            deliveries++;
            JsonObject body = new JsonObject()
                    .put("transactionId", m.getString("transactionId"))
                    .put("partitionId", m.getString("partitionId"))
                    .put("leaseId", m.getString("leaseId"))
                    .put("consumerGroup", "workers")
                    .put("status", "failed")
                    .put("error", "boom " + deliveries);
            JsonObject result = http.post("/api/v1/ack", body).array().getJsonObject(0);
            assertEquals(Boolean.TRUE, result.getBoolean("success"), result.encode());
            dlq = result.getBoolean("dlq");
            if (!dlq) {
                assertEquals(Boolean.TRUE, result.getBoolean("leaseReleased"), result.encode());
            }
            assertTrue(deliveries <= retryLimit + 1, "still no DLQ after " + deliveries + " deliveries");
        }
        assertEquals(retryLimit + 1, deliveries, "deliveries before the DLQ");
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=1&consumerGroup=workers");
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/Default?batch=1&consumerGroup=workers");

        // the DLQ is per group: queue mode and other groups still get it
        JsonObject other = popOk("/api/v1/pop/queue/" + q + "?batch=1&consumerGroup=auditors");
        assertEquals(id, other.getJsonArray("messages").getJsonObject(0).getString("id"));
        JsonObject queueMode = popOk("/api/v1/pop/queue/" + q + "?batch=1");
        assertEquals(id, queueMode.getJsonArray("messages").getJsonObject(0).getString("id"));
    }

    @Test
    void dlqStatusMovesMessageAsideImmediately() {
        String q = queue();
        configure(q, new JsonObject().put("retryLimit", 5));
        push(item(q, null, 1), item(q, null, 2));
        JsonArray messages = popOk("/api/v1/pop/queue/" + q + "?batch=1").getJsonArray("messages");
        JsonObject r = ack(messages.getJsonObject(0), "dlq", null).getJsonObject(0);
        assertEquals(Boolean.TRUE, r.getBoolean("success"), r.encode());
        assertEquals(Boolean.TRUE, r.getBoolean("dlq"), r.encode());
        assertEquals(List.of(2), payloads(popOk("/api/v1/pop/queue/" + q + "?batch=5").getJsonArray("messages")));
    }

    @Test
    void unackedMessageIsRedeliveredAfterLeaseExpiry() throws Exception {
        String q = queue();
        configure(q, new JsonObject().put("leaseTime", 1).put("retryLimit", 0));
        push(item(q, null, "a"), item(q, null, "b"));
        JsonObject first = popOk("/api/v1/pop/queue/" + q + "?batch=10");
        JsonArray firstMessages = first.getJsonArray("messages");
        assertEquals(List.of("a", "b"), payloads(firstMessages));
        long poppedAt = System.nanoTime();
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");

        JsonObject second = null;
        long deadline = poppedAt + 6_000_000_000L;
        while (System.nanoTime() < deadline) {
            Http.Response r = http.get("/api/v1/pop/queue/" + q + "?batch=10");
            if (r.status() == 200) {
                second = r.json();
                break;
            }
            assertEquals(204, r.status(), r.body());
            Thread.sleep(50);
        }
        assertNotNull(second, "not redelivered within 6 s of a 1 s lease");
        long afterMs = (System.nanoTime() - poppedAt) / 1_000_000L;
        assertTrue(afterMs >= 700, "redelivered after only " + afterMs + " ms with a 1 s lease");
        assertEquals(List.of("a", "b"), payloads(second.getJsonArray("messages")));
        assertEquals(firstMessages.getJsonObject(0).getString("id"),
                second.getJsonArray("messages").getJsonObject(0).getString("id"));
        assertNotEquals(first.getString("leaseId"), second.getString("leaseId"));

        // the expired lease no longer works, and expiry did not count as a retry (retryLimit 0
        // would otherwise have sent it to the DLQ); the new lease acks fine
        JsonObject stale = ack(firstMessages.getJsonObject(0), "completed", null).getJsonObject(0);
        assertEquals(Boolean.FALSE, stale.getBoolean("success"), stale.encode());
        assertEquals("Invalid or expired lease", stale.getString("error"));
        QueueClient.ackAll(http, second.getJsonArray("messages"), null);
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");
    }

    // ---------------------------------------------------------------- consumer groups and subscriptions

    @Test
    void everyConsumerGroupReceivesEveryMessage() {
        String q = queue();
        push(item(q, null, 1), item(q, null, 2), item(q, null, 3));
        for (String group : List.of("g1", "g2")) {
            JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=10&consumerGroup=" + group);
            assertEquals(group, popped.getString("consumerGroup"));
            assertEquals(group, popped.getJsonArray("messages").getJsonObject(0).getString("consumerGroup"));
            assertEquals(List.of(1, 2, 3), payloads(popped.getJsonArray("messages")));
            QueueClient.ackAll(http, popped.getJsonArray("messages"), group);
            assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10&consumerGroup=" + group);
        }
        // queue mode is a group of its own, untouched by g1/g2 acks
        JsonObject queueMode = popOk("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(QUEUE_MODE, queueMode.getString("consumerGroup"));
        assertEquals(List.of(1, 2, 3), payloads(queueMode.getJsonArray("messages")));
    }

    @Test
    void leaseIsPerConsumerGroup() {
        String q = queue();
        push(item(q, null, 1), item(q, null, 2));
        JsonObject g1 = popOk("/api/v1/pop/queue/" + q + "?batch=1&consumerGroup=g1");
        assertEquals(List.of(1), payloads(g1.getJsonArray("messages")));
        // g1's lease blocks g1, on both routes, but not g2 or queue mode
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=1&consumerGroup=g1");
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/Default?batch=1&consumerGroup=g1");
        assertEquals(List.of(1), payloads(popOk("/api/v1/pop/queue/" + q + "?batch=1&consumerGroup=g2")
                .getJsonArray("messages")));
        assertEquals(List.of(1), payloads(popOk("/api/v1/pop/queue/" + q + "/partition/Default?batch=1")
                .getJsonArray("messages")));
        // a g1 ack must name the group; then g1 continues with the next message
        QueueClient.ackAll(http, g1.getJsonArray("messages"), "g1");
        assertEquals(List.of(2), payloads(popOk("/api/v1/pop/queue/" + q + "?batch=1&consumerGroup=g1")
                .getJsonArray("messages")));
    }

    @Test
    void subscriptionModeNewSkipsEarlierMessages() throws Exception {
        String q = queue();
        push(item(q, "A", "old-1"), item(q, "B", "old-2"));
        Thread.sleep(20);
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10&consumerGroup=fresh&subscriptionMode=new");
        Thread.sleep(20);
        push(item(q, "A", "new-1"));
        push(item(q, "B", "new-2"));

        List<Object> fresh = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=10&consumerGroup=fresh&subscriptionMode=new");
            fresh.addAll(payloads(popped.getJsonArray("messages")));
            QueueClient.ackAll(http, popped.getJsonArray("messages"), "fresh");
        }
        fresh.sort(null);
        assertEquals(List.of("new-1", "new-2"), fresh);
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10&consumerGroup=fresh");

        // a group without a subscription mode starts from the beginning
        List<Object> all = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=10&consumerGroup=everything");
            all.addAll(payloads(popped.getJsonArray("messages")));
            QueueClient.ackAll(http, popped.getJsonArray("messages"), "everything");
        }
        all.sort(null);
        assertEquals(List.of("new-1", "new-2", "old-1", "old-2"), all);

        // queue mode ignores subscription modes
        JsonObject queueMode = popOk("/api/v1/pop/queue/" + q + "/partition/A?batch=10&subscriptionMode=new");
        assertEquals(List.of("old-1", "new-1"), payloads(queueMode.getJsonArray("messages")));
    }

    @Test
    void autoAckDeliversOnceWithoutLease() {
        String q = queue();
        push(item(q, null, 1), item(q, null, 2), item(q, null, 3));
        JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=2&autoAck=true");
        assertEquals("", popped.getString("leaseId"));
        JsonArray messages = popped.getJsonArray("messages");
        assertEquals(List.of(1, 2), payloads(messages));
        for (int i = 0; i < messages.size(); i++) {
            assertEquals("", messages.getJsonObject(i).getString("leaseId"));
        }
        // no lease is held: the next pop continues right after the auto-acked messages
        JsonObject next = popOk("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(List.of(3), payloads(next.getJsonArray("messages")));
        QueueClient.ackAll(http, next.getJsonArray("messages"), null);
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true");

        // and on the specific-partition route
        push(item(q, null, 4));
        JsonObject specific = popOk("/api/v1/pop/queue/" + q + "/partition/Default?batch=10&autoAck=true");
        assertEquals(List.of(4), payloads(specific.getJsonArray("messages")));
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/Default?batch=10");
    }

    @Test
    void autoAckNeverTakesAPartitionLeasedByAnExplicitConsumer() {
        String q = queue();
        push(item(q, "A", "a1"), item(q, "B", "b1"));
        // an explicit consumer leases A (or B: wildcard order is the oldest first, A)
        JsonObject leased = popOk("/api/v1/pop/queue/" + q + "/partition/A?batch=1");
        assertEquals(List.of("a1"), payloads(leased.getJsonArray("messages")));
        push(item(q, "A", "a2"));

        // auto-ack consumers get B, never A's next message while A is leased
        JsonObject auto = popOk("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true");
        assertEquals(List.of("b1"), payloads(auto.getJsonArray("messages")));
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true");
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/A?batch=10&autoAck=true");

        // the ack ends the lease: A's next message goes to an auto-ack consumer, once
        QueueClient.ackAll(http, leased.getJsonArray("messages"), null);
        JsonObject after = popOk("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true");
        assertEquals(List.of("a2"), payloads(after.getJsonArray("messages")));
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true");

        // and an auto-acked partition leaves no lease behind for an explicit consumer
        push(item(q, "B", "b2"));
        JsonObject explicit = popOk("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(List.of("b2"), payloads(explicit.getJsonArray("messages")));
    }

    // ---------------------------------------------------------------- delayed processing, window buffer

    @Test
    void delayedProcessingHidesMessagesUntilOldEnough() throws Exception {
        String q = queue();
        configure(q, new JsonObject().put("delayedProcessing", 1));
        long pushedAt = System.nanoTime();
        push(item(q, null, "later"));
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/Default?batch=10");

        JsonObject popped = pollUntilPopped("/api/v1/pop/queue/" + q + "?batch=10", pushedAt, 5_000);
        long ms = (System.nanoTime() - pushedAt) / 1_000_000L;
        assertTrue(ms >= 900, "visible after " + ms + " ms, delay is 1 s");
        assertEquals(List.of("later"), payloads(popped.getJsonArray("messages")));
    }

    @Test
    void windowBufferWaitsForPartitionToBeQuiet() throws Exception {
        String q = queue();
        configure(q, new JsonObject().put("windowBuffer", 1));
        push(item(q, null, "w1"));
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");
        Thread.sleep(700);
        long lastPushAt = System.nanoTime();
        push(item(q, null, "w2"));
        Thread.sleep(400);
        // w1 is more than 1 s old, but the partition's newest message is not
        assertEmptyPop("/api/v1/pop/queue/" + q + "?batch=10");
        assertEmptyPop("/api/v1/pop/queue/" + q + "/partition/Default?batch=10");

        JsonObject popped = pollUntilPopped("/api/v1/pop/queue/" + q + "?batch=10", lastPushAt, 5_000);
        long ms = (System.nanoTime() - lastPushAt) / 1_000_000L;
        assertTrue(ms >= 900, "poppable " + ms + " ms after the last push, window is 1 s");
        assertEquals(List.of("w1", "w2"), payloads(popped.getJsonArray("messages")));
    }

    private JsonObject pollUntilPopped(String path, long sinceNanos, long withinMs) throws InterruptedException {
        long deadline = sinceNanos + withinMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Http.Response r = http.get(path);
            if (r.status() == 200) {
                return r.json();
            }
            assertEquals(204, r.status(), r.body());
            Thread.sleep(50);
        }
        throw new AssertionError("nothing popped from " + path + " within " + withinMs + " ms");
    }

    // ---------------------------------------------------------------- multi-partition pops

    @Test
    void multiPartitionPopClaimsSeveralPartitionsUnderOneLease() {
        String q = queue();
        push(item(q, "p1", 1), item(q, "p1", 2), item(q, "p2", 3), item(q, "p2", 4),
                item(q, "p3", 5), item(q, "p3", 6));
        JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=10&partitions=3");
        JsonArray messages = popped.getJsonArray("messages");
        assertEquals(6, messages.size(), popped.encode());
        assertEquals(3, popped.getInteger("partitionsClaimed"));
        String lease = popped.getString("leaseId");
        assertNotNull(UUID.fromString(lease));
        Set<String> partitionIds = new HashSet<>();
        Set<Object> data = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            assertEquals(lease, m.getString("leaseId"));
            partitionIds.add(m.getString("partitionId"));
            data.add(m.getValue("data"));
        }
        assertEquals(3, partitionIds.size());
        assertEquals(Set.of(1, 2, 3, 4, 5, 6), data);
        assertTrue(partitionIds.contains(popped.getString("partitionId")));

        // per-message acks with the shared lease all succeed and free every partition
        for (int i = 0; i < messages.size(); i++) {
            JsonObject r = ack(messages.getJsonObject(i), "completed", null).getJsonObject(0);
            assertEquals(Boolean.TRUE, r.getBoolean("success"), r.encode());
        }
        push(item(q, "p1", 7), item(q, "p2", 8), item(q, "p3", 9));
        JsonObject next = popOk("/api/v1/pop/queue/" + q + "?batch=10&partitions=3");
        assertEquals(3, next.getJsonArray("messages").size(), next.encode());
    }

    @Test
    void batchIsAGlobalCapAcrossClaimedPartitions() {
        String q = queue();
        JsonArray items = new JsonArray();
        for (int p = 0; p < 50; p++) {
            for (int i = 0; i < 10; i++) {
                items.add(item(q, "p" + p, new JsonObject().put("p", p).put("i", i)));
            }
        }
        push(items);
        JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=10&partitions=5");
        assertEquals(10, popped.getJsonArray("messages").size(), popped.encode());
        assertTrue(popped.getInteger("partitionsClaimed") >= 1 && popped.getInteger("partitionsClaimed") <= 5,
                popped.encode());
    }

    @Test
    void wildcardPopWithoutPartitionsTakesOnePartition() {
        String q = queue();
        JsonArray items = new JsonArray();
        for (int p = 0; p < 4; p++) {
            for (int i = 0; i < 5; i++) {
                items.add(item(q, "p" + p, i));
            }
        }
        push(items);
        JsonObject popped = popOk("/api/v1/pop/queue/" + q + "?batch=100");
        JsonArray messages = popped.getJsonArray("messages");
        assertEquals(5, messages.size(), popped.encode());
        assertEquals(1, popped.getInteger("partitionsClaimed"));
        Set<String> partitions = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            partitions.add(messages.getJsonObject(i).getString("partition"));
        }
        assertEquals(Set.of(popped.getString("partition")), partitions);
        assertEquals(List.of(0, 1, 2, 3, 4), payloads(messages));
    }
}
