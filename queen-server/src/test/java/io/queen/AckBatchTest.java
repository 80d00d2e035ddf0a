package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/v1/ack/batch} end to end (spec 3.5), its body read by a streaming parser:
 * what it acknowledges really leaves the queue, failed items come back, and every body it
 * refuses gets the exact message the route has always given. Bodies are written as JSON text,
 * so that the order of keys (a top-level consumerGroup after the array), repeated keys and
 * malformed JSON are what is sent.
 */
class AckBatchTest {
    private static final String PARTITION_ID = "0190d2a4-1b2c-7d3e-8f40-123456789abc";

    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    @Test
    void completedItemsLeaveTheQueueAndAFailedOneIsDeliveredAgain() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("a", "b", "c"));
        JsonObject popped = pop(q, null, 10);
        JsonArray m = popped.getJsonArray("messages");
        assertEquals(List.of("a", "b", "c"), ids(m));

        JsonArray results = ackBatch("{\"acknowledgments\":["
                + ack(m.getJsonObject(0), "\"status\":\"completed\"") + ","
                + ack(m.getJsonObject(1), "\"status\":\"failed\",\"error\":\"boom\"") + "]}");
        assertEquals(2, results.size(), results.encode());
        for (int i = 0; i < 2; i++) {
            JsonObject r = results.getJsonObject(i);
            assertEquals(i, r.getInteger("index"), results.encode());
            assertEquals(Boolean.TRUE, r.getBoolean("success"), results.encode());
            assertEquals(q, r.getString("queueName"), results.encode());
        }
        assertEquals("b", results.getJsonObject(1).getString("transactionId"), results.encode());
        assertEquals(Boolean.TRUE, results.getJsonObject(1).getBoolean("leaseReleased"), results.encode());
        assertEquals(Boolean.FALSE, results.getJsonObject(1).getBoolean("dlq"), results.encode());

        // "a" is gone; the failed "b" and the unacknowledged "c" come again, under a new lease
        JsonObject again = pop(q, null, 10);
        assertEquals(List.of("b", "c"), ids(again.getJsonArray("messages")));
        assertFalse(popped.getString("leaseId").equals(again.getString("leaseId")), again.encode());
        QueueClient.ackAll(http, again.getJsonArray("messages"), null);
        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    @Test
    void aTopLevelConsumerGroupAfterTheArrayAppliesToEveryItemAndOverridesTheirOwn() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("a", "b"));
        JsonArray m = pop(q, "workers", 10).getJsonArray("messages");
        // the items name other groups, one of them not even a string: the top-level group wins
        // and they are not read
        JsonArray results = ackBatch("{\"acknowledgments\":["
                + ack(m.getJsonObject(0), "\"consumerGroup\":\"elsewhere\"") + ","
                + ack(m.getJsonObject(1), "\"consumerGroup\":7") + "],\"consumerGroup\":\"workers\"}");
        assertAllSucceeded(results, 2);
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?consumerGroup=workers").status());
        // acknowledged for the group only: queue mode still has both
        assertEquals(List.of("a", "b"), client.popTransactionIds(q, null, 10, false));
    }

    @Test
    void theFirstItemsGroupServesTheCallWhenTheBodyNamesNone() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("a", "b"));
        JsonArray m = pop(q, "g1", 10).getJsonArray("messages");
        // the first item names the group; later ones need not (they are not read once it is set)
        assertAllSucceeded(ackBatch("{\"acknowledgments\":["
                + ack(m.getJsonObject(0), "\"consumerGroup\":\"g1\"") + ","
                + ack(m.getJsonObject(1), "\"consumerGroup\":\"ignored\"") + "]}"), 2);
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?consumerGroup=g1").status());
    }

    @Test
    void aGroupNamedOnlyByALaterItemIsRefusedAndNothingIsAcknowledged() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("a", "b"));
        JsonArray m = pop(q, "g", 10).getJsonArray("messages");
        String mixed = "[" + ack(m.getJsonObject(0), "\"consumerGroup\":\"\"") + ","
                + ack(m.getJsonObject(1), "\"consumerGroup\":\"g\"") + "]";
        assertRefused("{\"acknowledgments\":" + mixed + "}",
                "All acknowledgments of one call must use the same consumerGroup");
        // a top-level group, even an empty one (queue mode), means the items' groups are not read
        assertEquals(200, post("{\"consumerGroup\":\"\",\"acknowledgments\":" + mixed + "}").status());
        // the refused call acknowledged nothing for g: the batch is still leased and acks now
        assertAllSucceeded(ackBatch("{\"acknowledgments\":" + mixed + ",\"consumerGroup\":\"g\"}"), 2);
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?consumerGroup=g").status());
    }

    @Test
    void aWrongLeaseIdFailsItsItemAndTheMessageStays() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("a"));
        JsonObject m = pop(q, null, 1).getJsonArray("messages").getJsonObject(0);
        String wrongLease = "0190d2a4-0000-7000-8000-000000000000";
        JsonArray results = ackBatch("{\"acknowledgments\":[{\"transactionId\":\"a\",\"partitionId\":\""
                + m.getString("partitionId") + "\",\"leaseId\":\"" + wrongLease + "\"}]}");
        assertEquals(Boolean.FALSE, results.getJsonObject(0).getBoolean("success"), results.encode());
        // no leaseId (or "") means no lease check; the message was still there to acknowledge
        assertAllSucceeded(ackBatch("{\"acknowledgments\":[{\"transactionId\":\"a\",\"partitionId\":\""
                + m.getString("partitionId") + "\",\"leaseId\":\"\"}]}"), 1);
        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    @Test
    void everyMalformedBodyGetsItsOwnMessage() {
        String item = "{\"transactionId\":\"t\",\"partitionId\":\"" + PARTITION_ID + "\"";
        String[][] cases = {
                {"   ", "Empty request body"},
                {"[]", "Request body must be a JSON object"},
                {"\"acknowledgments\"", "Request body must be a JSON object"},
                {"{}", "acknowledgments array is required"},
                {"{\"acknowledgments\":null}", "acknowledgments array is required"},
                {"{\"acknowledgments\":{\"0\":" + item + "}}}", "acknowledgments array is required"},
                // the last of repeated keys counts, as in a map
                {"{\"acknowledgments\":[],\"acknowledgments\":7}", "acknowledgments array is required"},
                // the array is checked first, then the top-level group, then the items
                {"{\"consumerGroup\":5}", "acknowledgments array is required"},
                {"{\"acknowledgments\":[5],\"consumerGroup\":[]}", "consumerGroup must be a string"},
                {"{\"acknowledgments\":[5]}", "Each acknowledgment must be an object"},
                {"{\"acknowledgments\":[null]}", "Each acknowledgment must be an object"},
                {"{\"acknowledgments\":[{\"partitionId\":\"" + PARTITION_ID + "\"}]}",
                        "Each acknowledgment must have a valid transactionId string"},
                {"{\"acknowledgments\":[{\"transactionId\":1,\"partitionId\":\"" + PARTITION_ID + "\"}]}",
                        "Each acknowledgment must have a valid transactionId string"},
                {"{\"acknowledgments\":[{\"transactionId\":\"t\",\"partitionId\":{}}]}",
                        "Each acknowledgment must have a valid partitionId string to ensure message uniqueness"},
                {"{\"acknowledgments\":[{\"transactionId\":\"t\",\"partitionId\":\"nope\"}]}",
                        "partitionId must be a valid UUID, got 'nope'"},
                {"{\"acknowledgments\":[" + item + ",\"status\":1}]}", "status must be a string"},
                {"{\"acknowledgments\":[" + item + ",\"status\":\"bogus\"}]}",
                        "status must be one of completed, success, failed, dlq, retry; got 'bogus'"},
                {"{\"acknowledgments\":[" + item + ",\"leaseId\":true}]}", "leaseId must be a string"},
                {"{\"acknowledgments\":[" + item + ",\"leaseId\":\"x\"}]}", "leaseId must be a valid UUID, got 'x'"},
                {"{\"acknowledgments\":[{\"transactionId\":\"" + "t".repeat(513) + "\",\"partitionId\":\""
                        + PARTITION_ID + "\"}]}", "transactionId is too long: 513 characters, at most 512"},
                {"{\"acknowledgments\":[" + item + ",\"error\":{\"code\":1}}]}", "error must be a string"},
                {"{\"acknowledgments\":[" + item + ",\"consumerGroup\":[\"g\"]}]}", "consumerGroup must be a string"},
                // a later item's fault refuses the whole call; the first fault is the one reported
                {"{\"acknowledgments\":[" + item + "}," + item + ",\"status\":\"nope\"},5]}",
                        "status must be one of completed, success, failed, dlq, retry; got 'nope'"},
                // the group check comes between the ids and the other fields of an item
                {"{\"acknowledgments\":[" + item + "}," + item + ",\"consumerGroup\":\"g\",\"status\":\"nope\"}]}",
                        "All acknowledgments of one call must use the same consumerGroup"},
                // a syntax error anywhere wins over every other fault
                {"{\"acknowledgments\":[5],\"consumerGroup\":7,", "Invalid JSON: Unexpected end-of-input within/between"
                        + " Object entries"},
                {"{\"acknowledgments\": x}", "Invalid JSON: Unrecognized token 'x': was expecting (JSON String, Number,"
                        + " Array, Object or token 'null', 'true' or 'false')"},
                {"{\"acknowledgments\":[]} {}", "Invalid JSON: Unexpected trailing token"},
                {"{\"acknowledgments\":[{\"transactionId\":'t'}]}", "Invalid JSON: Unexpected character (''' (code 39)):"
                        + " expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or"
                        + " 'false')"},
                {"{\"deep\":" + "[".repeat(2000) + "]".repeat(2000) + ",\"acknowledgments\":[]}",
                        "Invalid JSON: Document nesting depth (1001) exceeds the maximum allowed"},
        };
        for (String[] c : cases) {
            assertRefused(c[0], c[1]);
        }
        // no body at all
        Http.Response none = http.post("/api/v1/ack/batch", (String) null);
        assertEquals(400, none.status(), none.body());
        assertEquals("Empty request body", none.json().getString("error"));
    }

    @Test
    void unknownFieldsAreSkippedHoweverDeepAndRepeatedKeysCountByTheirLast() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("a", "b"));
        JsonArray m = pop(q, null, 10).getJsonArray("messages");
        String nested = "{\"x\":[1,{\"y\":[[],{}]},\"acknowledgments\"],\"transactionId\":{\"z\":null}}";
        String body = "{\"meta\":" + nested + ",\"acknowledgments\":[5],\"note\":[" + nested + ",\"s\"],"
                + "\"acknowledgments\":["
                + ack(m.getJsonObject(0), "\"extra\":" + nested + ",\"status\":7,\"status\":\"completed\"") + ","
                + ack(m.getJsonObject(1), "\"tags\":[\"t\",[" + nested + "]],\"more\":null") + "],"
                + "\"trailer\":{\"consumerGroup\":5}}";
        assertAllSucceeded(ackBatch(body), 2);
        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    @Test
    void aBatchOfFiveThousandAcknowledgmentsEmptiesThePartition() {
        String q = QueueClient.uniqueQueue();
        int n = 5_000;
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add("m" + i);
        }
        String partitionId = client.pushMany(q, "p", ids).getJsonObject(0).getString("partition_id");
        // without leaseId (no lease check): one pop may not hand out all 5,000 (QUEEN_MAX_POP_BYTES)
        StringBuilder body = new StringBuilder(n * 100).append("{\"acknowledgments\":[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("{\"transactionId\":\"m").append(i)
                    .append("\",\"partitionId\":\"").append(partitionId).append("\",\"status\":\"completed\"}");
        }
        JsonArray results = ackBatch(body.append("]}").toString());
        assertAllSucceeded(results, n);
        assertEquals("m" + (n - 1), results.getJsonObject(n - 1).getString("transactionId"));
        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    // ---------------------------------------------------------------- helpers

    private JsonObject pop(String queue, String group, int batch) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "?batch=" + batch
                + (group == null ? "" : "&consumerGroup=" + group));
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static List<String> ids(JsonArray messages) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ids.add(messages.getJsonObject(i).getString("transactionId"));
        }
        return ids;
    }

    /** One acknowledgment of a popped message as JSON text, with more fields as given. */
    private static String ack(JsonObject message, String more) {
        return "{\"transactionId\":\"" + message.getString("transactionId") + "\",\"partitionId\":\""
                + message.getString("partitionId") + "\",\"leaseId\":\"" + message.getString("leaseId") + "\","
                + more + "}";
    }

    private Http.Response post(String body) {
        return http.post("/api/v1/ack/batch", body);
    }

    private JsonArray ackBatch(String body) {
        Http.Response r = post(body);
        assertEquals(200, r.status(), r.body());
        return r.array();
    }

    private static void assertAllSucceeded(JsonArray results, int count) {
        assertEquals(count, results.size());
        for (int i = 0; i < count; i++) {
            assertEquals(Boolean.TRUE, results.getJsonObject(i).getBoolean("success"),
                    () -> results.encode().substring(0, Math.min(2000, results.encode().length())));
        }
    }

    private void assertRefused(String body, String message) {
        Http.Response r = post(body);
        String shown = body.length() > 200 ? body.substring(0, 200) + "…" : body;
        assertEquals(400, r.status(), shown + " -> " + r.body());
        assertEquals(message, r.json().getString("error"), shown);
        assertTrue(!r.body().contains("Source") && !r.body().contains("jackson") && !r.body().contains("`"),
                r.body());
    }
}
