package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    private JsonObject transaction(JsonArray operations) {
        Http.Response r = http.post("/api/v1/transaction", new JsonObject().put("operations", operations));
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        UUID.fromString(body.getString("transactionId"));
        return body;
    }

    private static JsonObject pushOp(String queue, String partition, String transactionId, Object payload) {
        JsonObject op = new JsonObject().put("type", "push").put("queue", queue).put("payload", payload);
        if (partition != null) {
            op.put("partition", partition);
        }
        if (transactionId != null) {
            op.put("transactionId", transactionId);
        }
        return op;
    }

    private static JsonObject ackOp(String transactionId, String partitionId, String group, String leaseId,
                                    String status) {
        JsonObject op = new JsonObject().put("type", "ack").put("transactionId", transactionId)
                .put("partitionId", partitionId);
        if (group != null) {
            op.put("consumerGroup", group);
        }
        if (leaseId != null) {
            op.put("leaseId", leaseId);
        }
        if (status != null) {
            op.put("status", status);
        }
        return op;
    }

    private JsonObject popOne(String queue, String group) {
        String path = "/api/v1/pop/queue/" + queue + "?batch=10" + (group == null ? "" : "&consumerGroup=" + group);
        Http.Response r = http.get(path);
        assertEquals(200, r.status(), r.body());
        JsonArray messages = r.json().getJsonArray("messages");
        assertEquals(1, messages.size(), r.body());
        return messages.getJsonObject(0);
    }

    @Test
    void pushAndAckMoveAMessageFromOneQueueToAnotherAtomically() {
        String a = QueueClient.uniqueQueue();
        String b = QueueClient.uniqueQueue();
        client.push(a, null, "src-1", new JsonObject().put("step", 1));
        JsonObject m = popOne(a, null);

        JsonObject result = transaction(new JsonArray()
                .add(ackOp(m.getString("transactionId"), m.getString("partitionId"), null, m.getString("leaseId"),
                        "completed"))
                .add(pushOp(b, "p9", "dst-1", new JsonObject().put("step", 2))));
        assertEquals(true, result.getValue("success"), result.encode());
        JsonArray results = result.getJsonArray("results");
        assertEquals(2, results.size(), result.encode());

        JsonObject ack = results.getJsonObject(0);
        assertEquals(0, ack.getInteger("index"));
        assertEquals("ack", ack.getString("type"));
        assertEquals(true, ack.getValue("success"));
        assertEquals("src-1", ack.getString("transactionId"));
        assertEquals(false, ack.getValue("dlq"));

        JsonObject push = results.getJsonObject(1);
        assertEquals(1, push.getInteger("index"));
        assertEquals("push", push.getString("type"));
        assertEquals(true, push.getValue("success"));
        assertEquals("dst-1", push.getString("transactionId"));
        assertEquals(b, push.getString("queueName"));
        UUID.fromString(push.getString("messageId"));
        UUID.fromString(push.getString("partitionId"));

        assertEquals(204, http.get("/api/v1/pop/queue/" + a).status(), "source message must be acked");
        JsonObject moved = popOne(b, null);
        assertEquals("dst-1", moved.getString("transactionId"));
        assertEquals("p9", moved.getString("partition"));
        assertEquals(push.getString("messageId"), moved.getString("id"));
        assertEquals(push.getString("partitionId"), moved.getString("partitionId"));
        assertEquals(new JsonObject().put("step", 2), moved.getJsonObject("data"));
    }

    @Test
    void itemsFormIsFlattenedAndSingleFormAcceptsData() {
        String q1 = QueueClient.uniqueQueue();
        String q2 = QueueClient.uniqueQueue();
        JsonObject result = transaction(new JsonArray()
                .add(new JsonObject().put("type", "push").put("items", new JsonArray()
                        .add(new JsonObject().put("queue", q1).put("partition", "a").put("transactionId", "i1")
                                .put("payload", new JsonObject().put("n", 1)))
                        .add(new JsonObject().put("queue", q2).put("transactionId", "i2")
                                .put("payload", "text"))))
                .add(new JsonObject().put("type", "push").put("queue", q1).put("partition", "b")
                        .put("transactionId", "i3").put("data", new JsonArray().add(1).add(2))));
        assertEquals(true, result.getValue("success"), result.encode());
        JsonArray results = result.getJsonArray("results");
        assertEquals(3, results.size(), result.encode());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, results.getJsonObject(i).getInteger("index"), result.encode());
            assertEquals("push", results.getJsonObject(i).getString("type"));
            assertEquals(true, results.getJsonObject(i).getValue("success"));
        }
        assertEquals(q1, results.getJsonObject(0).getString("queueName"));
        assertEquals(q2, results.getJsonObject(1).getString("queueName"));
        assertEquals("i3", results.getJsonObject(2).getString("transactionId"));

        JsonObject a = popOne(q1 + "/partition/a", null);
        assertEquals(new JsonObject().put("n", 1), a.getJsonObject("data"));
        JsonObject b = popOne(q1 + "/partition/b", null);
        assertEquals(new JsonArray().add(1).add(2), b.getValue("data"));
        assertEquals("Default", popOne(q2, null).getString("partition"));
    }

    @Test
    void generatesATransactionIdWhenNoneIsGiven() {
        String q = QueueClient.uniqueQueue();
        JsonObject result = transaction(new JsonArray().add(pushOp(q, null, null, new JsonObject())));
        assertEquals(true, result.getValue("success"), result.encode());
        String generated = result.getJsonArray("results").getJsonObject(0).getString("transactionId");
        assertNotNull(generated);
        assertFalse(generated.isEmpty());
        assertEquals(generated, popOne(q, null).getString("transactionId"));
    }

    @Test
    void ackOfUnknownMessageRollsBackEarlierPushAndAck() {
        String a = QueueClient.uniqueQueue();
        String b = QueueClient.uniqueQueue();
        JsonObject pushed = client.push(a, null, "keep-me", 1);

        JsonObject result = transaction(new JsonArray()
                .add(pushOp(b, null, "never", 2))
                .add(ackOp("keep-me", pushed.getString("partition_id"), null, null, null))
                .add(ackOp("no-such-" + UUID.randomUUID(), pushed.getString("partition_id"), null, null, null)));
        assertEquals(false, result.getValue("success"), result.encode());
        assertTrue(result.getValue("error") instanceof String && !result.getString("error").isEmpty(),
                result.encode());
        assertNotNull(result.getJsonArray("results"), result.encode());

        assertEquals(204, http.get("/api/v1/pop/queue/" + b).status(), "the push must have been rolled back");
        assertEquals("keep-me", popOne(a, null).getString("transactionId"), "the ack must have been rolled back");
    }

    @Test
    void pushOfExistingTransactionIdFailsTheWholeTransaction() {
        String q = QueueClient.uniqueQueue();
        String other = QueueClient.uniqueQueue();
        client.push(q, null, "dup", new JsonObject().put("v", "original"));

        JsonObject result = transaction(new JsonArray()
                .add(pushOp(other, null, "fresh", 1))
                .add(pushOp(q, null, "dup", new JsonObject().put("v", "second"))));
        assertEquals(false, result.getValue("success"), result.encode());
        assertTrue(result.getString("error") != null && !result.getString("error").isEmpty(), result.encode());

        assertEquals(204, http.get("/api/v1/pop/queue/" + other).status(), "earlier push must be rolled back");
        Http.Response r = http.get("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(200, r.status(), r.body());
        JsonArray messages = r.json().getJsonArray("messages");
        assertEquals(1, messages.size(), r.body());
        assertEquals(new JsonObject().put("v", "original"), messages.getJsonObject(0).getJsonObject("data"));
    }

    @Test
    void transactionsPushingToTheSamePartitionsInOppositeOrderDoNotDeadlock() throws Exception {
        String q = QueueClient.uniqueQueue();
        int rounds = 40;
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<List<Object>>> runs = List.of(
                    two.submit(() -> oppositeOrderRounds(q, "x", "y", "xy", rounds)),
                    two.submit(() -> oppositeOrderRounds(q, "y", "x", "yx", rounds)));
            for (java.util.concurrent.Future<List<Object>> run : runs) {
                List<Object> failures = run.get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(List.of(), failures, "every transaction commits");
            }
        } finally {
            two.shutdownNow();
        }
        Http.Response r = http.get("/api/v1/pop/queue/" + q + "/partition/x?batch=1000&autoAck=true");
        assertEquals(2 * rounds, r.json().getJsonArray("messages").size());
    }

    /** Each transaction pushes to partition {@code first} and then to {@code second}. */
    private List<Object> oppositeOrderRounds(String q, String first, String second, String tag, int rounds) {
        List<Object> failures = new java.util.ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Http.Response r = http.post("/api/v1/transaction", new JsonObject().put("operations", new JsonArray()
                    .add(pushOp(q, first, tag + "-a-" + i, i))
                    .add(pushOp(q, second, tag + "-b-" + i, i))));
            if (r.status() != 200 || !r.json().getBoolean("success")) {
                failures.add(r.body());
            }
        }
        return failures;
    }

    @Test
    void anAckOfAMessagePushedInTheSameTransactionSeesIt() {
        String q = QueueClient.uniqueQueue();
        client.push(q, "p", "first", 1);
        String pid = http.get("/api/v1/messages?queue=" + q).json().getJsonArray("messages").getJsonObject(0)
                .getString("partitionId");
        JsonObject result = transaction(new JsonArray()
                .add(pushOp(q, "p", "self", 2))
                .add(ackOp("self", pid, "audit", null, "completed")));
        assertEquals(true, result.getValue("success"), result.encode());
        assertEquals(List.of("push", "ack"), List.of(result.getJsonArray("results").getJsonObject(0).getString("type"),
                result.getJsonArray("results").getJsonObject(1).getString("type")), "results in request order");
        assertEquals(List.of("first", "self"), client.popTransactionIds(q, null, 10, true), "queue mode unaffected");
    }

    @Test
    void twoPushesWithTheSameTransactionIdInOneCallFail() {
        String q = QueueClient.uniqueQueue();
        JsonObject result = transaction(new JsonArray()
                .add(pushOp(q, null, "same", 1))
                .add(pushOp(q, null, "same", 2)));
        assertEquals(false, result.getValue("success"), result.encode());
        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    @Test
    void unknownOperationTypeFailsAndAppliesNothing() {
        String q = QueueClient.uniqueQueue();
        JsonObject result = transaction(new JsonArray()
                .add(pushOp(q, null, "u1", 1))
                .add(new JsonObject().put("type", "x")));
        assertEquals(false, result.getValue("success"), result.encode());
        assertEquals("Unknown operation type: x", result.getString("error"));
        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    @Test
    void missingOrEmptyOperationsAreRejected() {
        Http.Response missing = http.post("/api/v1/transaction", "{}");
        assertEquals(400, missing.status(), missing.body());
        assertEquals("operations array required", missing.json().getString("error"));

        Http.Response notArray = http.post("/api/v1/transaction", "{\"operations\":{\"type\":\"push\"}}");
        assertEquals(400, notArray.status(), notArray.body());
        assertEquals("operations array required", notArray.json().getString("error"));

        Http.Response empty = http.post("/api/v1/transaction", "{\"operations\":[]}");
        assertEquals(400, empty.status(), empty.body());
        assertEquals("operations array cannot be empty", empty.json().getString("error"));
    }

    @Test
    void failedAckMovesTheMessageToTheDeadLetterQueueForThatGroup() {
        String q = QueueClient.uniqueQueue();
        String group = "g-" + UUID.randomUUID();
        client.push(q, null, "bad", 1);
        JsonObject m = popOne(q, group);

        JsonObject result = transaction(new JsonArray().add(ackOp(m.getString("transactionId"),
                m.getString("partitionId"), group, m.getString("leaseId"), "failed")));
        assertEquals(true, result.getValue("success"), result.encode());
        JsonObject ack = result.getJsonArray("results").getJsonObject(0);
        assertEquals(true, ack.getValue("success"));
        assertEquals(true, ack.getValue("dlq"), result.encode());

        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?consumerGroup=" + group).status(),
                "the group must not see a dead-lettered message again");
        // other groups are unaffected
        assertEquals("bad", popOne(q, null).getString("transactionId"));
    }

    @Test
    void acksForSeveralGroupsAndQueuesInOneCall() {
        String q1 = QueueClient.uniqueQueue();
        String q2 = QueueClient.uniqueQueue();
        JsonObject m1 = client.push(q1, "p", "m1", 1);
        JsonObject m2 = client.push(q2, null, "m2", 2);
        String g1 = "g1-" + UUID.randomUUID();
        String g2 = "g2-" + UUID.randomUUID();

        JsonObject result = transaction(new JsonArray()
                .add(ackOp("m1", m1.getString("partition_id"), g1, null, null))
                .add(ackOp("m1", m1.getString("partition_id"), g2, null, "success"))
                .add(ackOp("m2", m2.getString("partition_id"), null, null, "completed")));
        assertEquals(true, result.getValue("success"), result.encode());
        assertEquals(3, result.getJsonArray("results").size());

        assertEquals(List.of(), client.popTransactionIds(q1, g1, 10, false));
        assertEquals(List.of(), client.popTransactionIds(q1, g2, 10, false));
        assertEquals(List.of("m1"), client.popTransactionIds(q1, "g3-" + UUID.randomUUID(), 10, false));
        assertEquals(List.of(), client.popTransactionIds(q2, null, 10, false));
    }
}
