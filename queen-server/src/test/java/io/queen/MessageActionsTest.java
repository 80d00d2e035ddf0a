package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /api/v1/messages/:p/:t/retry and /dlq: requeue a dead letter, move a message to the DLQ. */
class MessageActionsTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    /** Pushes in order and returns the partition's id, found through the message listing. */
    private String pushAndFindPartition(String queue, String partition, List<String> ids) {
        client.pushMany(queue, partition, ids);
        Http.Response r = http.get("/api/v1/messages?queue=" + queue);
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("messages").getJsonObject(0).getString("partitionId");
    }

    private JsonObject popOne(String queue, String partition) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "/partition/" + partition + "?batch=1");
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("messages").getJsonObject(0);
    }

    private Http.Response ack(JsonObject message, String status) {
        return http.post("/api/v1/ack", new JsonObject().put("transactionId", message.getString("transactionId"))
                .put("partitionId", message.getString("partitionId")).put("leaseId", message.getString("leaseId"))
                .put("status", status));
    }

    private static String path(String partitionId, String transactionId, String action) {
        return "/api/v1/messages/" + partitionId + "/" + transactionId + "/" + action;
    }

    private int dlqEntries(String queue, String transactionId) {
        JsonArray entries = http.get("/api/v1/dlq?queue=" + queue).json().getJsonArray("messages");
        int n = 0;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.getJsonObject(i).getString("transactionId").equals(transactionId)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aRequeuedDeadLetterIsDeliveredAgainAtTheEndOfItsPartition() {
        String q = QueueClient.uniqueQueue();
        String pid = pushAndFindPartition(q, "p", List.of("a", "b", "c"));
        JsonObject a = popOne(q, "p");
        Http.Response traced = http.post("/api/v1/traces", new JsonObject().put("transactionId", "a")
                .put("partitionId", pid).put("data", new JsonObject().put("step", "before")));
        assertEquals(201, traced.status(), traced.body());
        assertEquals(true, ack(a, "dlq").array().getJsonObject(0).getValue("dlq"));
        assertEquals(1, dlqEntries(q, "a"));
        assertEquals(409, http.post(path(pid, "b", "retry"), "").status(), "b was never dead-lettered");

        Http.Response retried = http.post(path(pid, "a", "retry"), "");
        assertEquals(200, retried.status(), retried.body());
        assertEquals(a.getString("partition"), retried.json().getString("partition"));
        assertNotEquals(a.getString("id"), retried.json().getString("messageId"), "the requeued copy has a new id");
        assertEquals(0, dlqEntries(q, "a"), "no longer a dead letter");

        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true");
        assertEquals(List.of("b", "c", "a"), QueueClient.transactionIds(popped), "after what was waiting, once");
        JsonObject again = popped.json().getJsonArray("messages").getJsonObject(2);
        assertEquals(new JsonObject().put("tx", "a"), again.getJsonObject("data"), "payload kept");
        assertEquals(1, http.get("/api/v1/traces/" + pid + "/a").json().getJsonArray("traces").size(),
                "its traces follow it");
        Http.Response duplicate = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", q).put("partition", "p").put("transactionId", "a").put("payload", 1))));
        assertEquals("duplicate", duplicate.array().getJsonObject(0).getString("status"), "still deduplicated");

        assertEquals(404, http.post(path(pid, "nope", "retry"), "").status());
        Http.Response bad = http.post(path("not-a-uuid", "a", "retry"), "");
        assertEquals(400, bad.status(), bad.body());
    }

    @Test
    void onlyTheNextMessageInLineOrAConsumedOneCanBeMovedToTheDlq() {
        String q = QueueClient.uniqueQueue();
        String pid = pushAndFindPartition(q, "p", List.of("x1", "x2", "x3"));

        Http.Response refused = http.post(path(pid, "x2", "dlq"), "");
        assertEquals(409, refused.status(), refused.body());
        assertTrue(refused.json().getString("error").startsWith("1 earlier message(s)"), refused.body());

        Http.Response head = http.post(path(pid, "x1", "dlq"), new JsonObject().put("errorMessage", "poison"));
        assertEquals(200, head.status(), head.body());
        assertEquals(true, head.json().getBoolean("cursorAdvanced"), head.body());
        assertEquals("__QUEUE_MODE__", head.json().getString("consumerGroup"));

        JsonObject x2 = popOne(q, "p");
        assertEquals("x2", x2.getString("transactionId"), "the line continues after the moved message");
        assertEquals(true, ack(x2, "completed").array().getJsonObject(0).getBoolean("success"));
        Http.Response consumed = http.post(path(pid, "x2", "dlq"), "{}");
        assertEquals(200, consumed.status(), consumed.body());
        assertEquals(false, consumed.json().getBoolean("cursorAdvanced"));
        Http.Response twice = http.post(path(pid, "x2", "dlq"), "{}");
        assertEquals("Message was already in the dead-letter queue", twice.json().getString("message"));
        assertEquals(1, dlqEntries(q, "x1"));
        assertEquals(1, dlqEntries(q, "x2"));
        JsonArray entries = http.get("/api/v1/dlq?queue=" + q).json().getJsonArray("messages");
        assertTrue(entries.encode().contains("poison"), entries.encode());

        assertEquals(List.of("x3"), client.popTransactionIds(q, null, 10, true));
        assertEquals(404, http.post(path(pid, "nope", "dlq"), "").status());
        assertEquals(400, http.post(path(pid, "x3", "dlq"), "{\"consumerGroup\": 5}").status());
    }

    @Test
    void movingALeasedHeadMessageEndsTheLease() {
        String q = QueueClient.uniqueQueue();
        String pid = pushAndFindPartition(q, "p", List.of("y1", "y2"));
        JsonObject y1 = popOne(q, "p"); // a consumer holds the partition and is stuck on y1
        assertEquals(List.of(), client.popTransactionIds(q, null, 10, false), "leased");

        Http.Response moved = http.post(path(pid, "y1", "dlq"), "");
        assertEquals(200, moved.status(), moved.body());
        assertEquals(List.of("y2"), client.popTransactionIds(q, null, 10, true), "the partition is free again");
        JsonObject late = ack(y1, "completed").array().getJsonObject(0);
        assertEquals(false, late.getBoolean("success"), "the stuck consumer's lease is gone: " + late);
    }

    @Test
    void aGroupMovesItsOwnMessagesOnly() {
        String q = QueueClient.uniqueQueue();
        String pid = pushAndFindPartition(q, "p", List.of("g1", "g2"));
        assertEquals(List.of("g1", "g2"), client.popTransactionIds(q, "audit", 10, true));
        Http.Response moved = http.post(path(pid, "g2", "dlq"), new JsonObject().put("consumerGroup", "audit"));
        assertEquals(200, moved.status(), moved.body());
        assertEquals(false, moved.json().getBoolean("cursorAdvanced"), "audit had consumed it");
        assertEquals(List.of("g1", "g2"), client.popTransactionIds(q, null, 10, true), "queue mode is unaffected");
    }

    private JsonObject popOne(String queue, String partition, String group) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "/partition/" + partition + "?batch=1&consumerGroup="
                + group);
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("messages").getJsonObject(0);
    }

    private Http.Response ack(JsonObject message, String status, String group) {
        return http.post("/api/v1/ack", new JsonObject().put("transactionId", message.getString("transactionId"))
                .put("partitionId", message.getString("partitionId")).put("leaseId", message.getString("leaseId"))
                .put("status", status).put("consumerGroup", group));
    }

    /**
     * The requeued copy keeps the transaction id and becomes the newest message, so an ack of
     * that id by a group holding the original in a lease used to land on the copy: the group's
     * cursor jumped to the end of the partition and every message in between was lost to it.
     * A group that had already acknowledged the message would have got it a second time. The
     * retry is refused while another group holds the message or has consumed it.
     */
    @Test
    void aRequeueNeitherSkipsNorRepeatsMessagesForOtherGroups() {
        String q = QueueClient.uniqueQueue();
        String pid = pushAndFindPartition(q, "p", List.of("a", "b", "c"));
        JsonObject forA = popOne(q, "p", "ga");
        assertEquals("a", forA.getString("transactionId"));
        assertEquals(true, ack(forA, "dlq", "ga").array().getJsonObject(0).getValue("dlq"));
        JsonObject forB = popOne(q, "p", "gb"); // gb is working on a right now

        Http.Response inFlight = http.post(path(pid, "a", "retry"), "");
        assertEquals(409, inFlight.status(), inFlight.body());
        assertTrue(inFlight.json().getString("error").contains("gb"), inFlight.body());

        JsonObject acked = ack(forB, "completed", "gb").array().getJsonObject(0);
        assertEquals(true, acked.getBoolean("success"), acked.encode());
        assertEquals(List.of("b", "c"), client.popTransactionIds(q, "gb", 10, true), "gb goes on after a");

        Http.Response consumed = http.post(path(pid, "a", "retry"), "");
        assertEquals(409, consumed.status(), "gb would get a twice: " + consumed.body());
        assertEquals(1, dlqEntries(q, "a"), "still a dead letter");

        // a group that has not reached the message does not stand in the way: it gets it once, last
        String q2 = QueueClient.uniqueQueue();
        String pid2 = pushAndFindPartition(q2, "p", List.of("a", "b", "c"));
        JsonObject first = popOne(q2, "p", "ga");
        assertEquals(true, ack(first, "dlq", "ga").array().getJsonObject(0).getValue("dlq"));
        JsonObject behind = popOne(q2, "p", "gc");
        assertEquals(true, ack(behind, "retry", "gc").array().getJsonObject(0).getBoolean("success"),
                "gc gives its lease back without consuming a");
        Http.Response retried = http.post(path(pid2, "a", "retry"), "");
        assertEquals(200, retried.status(), retried.body());
        assertEquals(List.of("b", "c", "a"), client.popTransactionIds(q2, "gc", 10, true));
        assertEquals(List.of("b", "c", "a"), client.popTransactionIds(q2, "ga", 10, true));
    }
}
