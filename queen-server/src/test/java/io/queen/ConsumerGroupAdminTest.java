package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerGroupAdminTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    private static String group() {
        return "g-" + UUID.randomUUID();
    }

    /** Counts must be JSON numbers. */
    private static void assertCount(long expected, JsonObject body, String key) {
        Object value = body.getValue(key);
        assertTrue(value instanceof Number, key + " must be a JSON number: " + body.encode());
        assertEquals(expected, ((Number) value).longValue(), key + " in " + body.encode());
    }

    private JsonObject ok(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(true, body.getValue("success"), r.body());
        return body;
    }

    @Test
    void deletingAGroupMakesItReadTheQueueFromTheBeginning() {
        String q = QueueClient.uniqueQueue();
        String g = group();
        client.pushMany(q, "Default", List.of("a", "b"));
        assertEquals(List.of("a", "b"), client.popTransactionIds(q, g, 10, true));
        assertEquals(List.of(), client.popTransactionIds(q, g, 10, true));

        JsonObject body = ok(http.delete("/api/v1/consumer-groups/" + g + "?deleteMetadata=true"));
        assertEquals(g, body.getString("consumerGroup"));
        assertCount(1, body, "deletedPartitions");
        assertTrue(body.getValue("metadataDeleted") instanceof Boolean, body.encode());

        assertEquals(List.of("a", "b"), client.popTransactionIds(q, g, 10, true));
    }

    @Test
    void deleteMetadataDecidesWhetherTheSubscriptionStartSurvives() {
        String q = QueueClient.uniqueQueue();
        String g = group();
        client.pushMany(q, "Default", List.of("old"));
        assertEquals(List.of(), QueueClient.transactionIds(http.get("/api/v1/pop/queue/" + q
                + "?batch=10&subscriptionMode=new&consumerGroup=" + g)));
        client.pushMany(q, "Default", List.of("new"));

        // the group has no cursor yet (subscribing does not write one per partition up front)
        JsonObject kept = ok(http.delete("/api/v1/consumer-groups/" + g + "?deleteMetadata=false"));
        assertCount(0, kept, "deletedPartitions");
        assertEquals(false, kept.getValue("metadataDeleted"), kept.encode());
        assertEquals(List.of("new"), client.popTransactionIds(q, g, 10, true),
                "the kept subscription metadata must still hide the older message");

        JsonObject dropped = ok(http.delete("/api/v1/consumer-groups/" + g + "?deleteMetadata=true"));
        assertCount(1, dropped, "deletedPartitions");
        assertEquals(true, dropped.getValue("metadataDeleted"), dropped.encode());
        assertEquals(List.of("old", "new"), client.popTransactionIds(q, g, 10, true));
    }

    @Test
    void deletingAnUnknownGroupDeletesNothing() {
        JsonObject body = ok(http.delete("/api/v1/consumer-groups/" + group() + "?deleteMetadata=false"));
        assertCount(0, body, "deletedPartitions");
        assertEquals(false, body.getValue("metadataDeleted"));
    }

    @Test
    void deletingAGroupForOneQueueLeavesItsOtherQueuesAlone() {
        String q1 = QueueClient.uniqueQueue();
        String q2 = QueueClient.uniqueQueue();
        String g = group();
        client.pushMany(q1, "p1", List.of("a"));
        client.pushMany(q1, "p2", List.of("b"));
        client.pushMany(q2, "Default", List.of("c"));
        assertEquals(2, client.popTransactionIds(q1, g, 10, true).size()
                + client.popTransactionIds(q1, g, 10, true).size());
        assertEquals(List.of("c"), client.popTransactionIds(q2, g, 10, true));

        JsonObject body = ok(http.delete("/api/v1/consumer-groups/" + g + "/queues/" + q1));
        assertEquals(g, body.getString("consumerGroup"));
        assertEquals(q1, body.getString("queueName"));
        assertCount(2, body, "deletedPartitions");
        assertTrue(body.getValue("metadataDeleted") instanceof Boolean, body.encode());

        List<String> again = new java.util.ArrayList<>(client.popTransactionIds(q1, g, 10, true));
        again.addAll(client.popTransactionIds(q1, g, 10, true));
        again.sort(null);
        assertEquals(List.of("a", "b"), again);
        assertEquals(List.of(), client.popTransactionIds(q2, g, 10, true));
    }

    @Test
    void seekToEndSkipsEverythingUntilNewPushes() {
        String q = QueueClient.uniqueQueue();
        String g = group();
        client.pushMany(q, "Default", List.of("a", "b", "c"));
        assertEquals(List.of("a"), client.popTransactionIds(q, g, 1, true));

        JsonObject body = ok(http.post("/api/v1/consumer-groups/" + g + "/queues/" + q + "/seek",
                "{\"toEnd\":true}"));
        assertEquals(g, body.getString("consumerGroup"));
        assertEquals(q, body.getString("queueName"));
        assertEquals(true, body.getValue("seekToEnd"));
        assertNull(body.getValue("targetTimestamp"));

        assertEquals(List.of(), client.popTransactionIds(q, g, 10, false));
        client.pushMany(q, "Default", List.of("d"));
        assertEquals(List.of("d"), client.popTransactionIds(q, g, 10, false));
        // queue mode was not touched
        assertEquals(List.of("a", "b", "c", "d"), client.popTransactionIds(q, null, 10, true));
        assertCount(1, body, "partitionsUpdated");
    }

    @Test
    void seekToEndReleasesAHeldLease() {
        String q = QueueClient.uniqueQueue();
        String g = group();
        client.pushMany(q, "Default", List.of("a", "b"));
        assertEquals(List.of("a", "b"), client.popTransactionIds(q, g, 10, false)); // leased, not acked
        ok(http.post("/api/v1/consumer-groups/" + g + "/queues/" + q + "/seek", "{\"toEnd\":true}"));
        client.pushMany(q, "Default", List.of("c"));
        assertEquals(List.of("c"), client.popTransactionIds(q, g, 10, false),
                "after the seek the partition must be free again");
    }

    @Test
    void seekToTimestampReReadsMessagesCreatedAfterIt() throws Exception {
        String q = QueueClient.uniqueQueue();
        String g = group();
        client.pushMany(q, "Default", List.of("a", "b"));
        Thread.sleep(100);
        client.pushMany(q, "Default", List.of("c", "d"));

        Http.Response all = http.get("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true&consumerGroup=" + g);
        assertEquals(200, all.status(), all.body());
        JsonArray messages = all.json().getJsonArray("messages");
        assertEquals(4, messages.size(), all.body());
        Instant bCreated = Instant.parse(messages.getJsonObject(1).getString("createdAt"));
        Instant cCreated = Instant.parse(messages.getJsonObject(2).getString("createdAt"));
        assertTrue(cCreated.isAfter(bCreated.plusMillis(50)), all.body());
        Instant between = bCreated.plusMillis(20).truncatedTo(ChronoUnit.MILLIS);

        JsonObject body = ok(http.post("/api/v1/consumer-groups/" + g + "/queues/" + q + "/seek",
                new JsonObject().put("timestamp", between.toString())));
        assertEquals(false, body.getValue("seekToEnd"));
        assertEquals(between, Instant.parse(body.getString("targetTimestamp")), body.encode());

        assertEquals(List.of("c", "d"), client.popTransactionIds(q, g, 10, true));
        assertCount(1, body, "partitionsUpdated");
    }

    @Test
    void seekToATimestampBeforeEveryMessageReReadsAll() {
        String q = QueueClient.uniqueQueue();
        String g = group();
        client.pushMany(q, "Default", List.of("a", "b"));
        assertEquals(List.of("a", "b"), client.popTransactionIds(q, g, 10, true));
        ok(http.post("/api/v1/consumer-groups/" + g + "/queues/" + q + "/seek",
                "{\"timestamp\":\"2000-01-01T00:00:00.000Z\"}"));
        assertEquals(List.of("a", "b"), client.popTransactionIds(q, g, 10, true));
    }

    @Test
    void seekWithoutToEndOrTimestampIsRejected() {
        String path = "/api/v1/consumer-groups/" + group() + "/queues/" + QueueClient.uniqueQueue() + "/seek";
        for (String body : new String[] {"{}", "{\"toEnd\":false}"}) {
            Http.Response r = http.post(path, body);
            assertEquals(400, r.status(), body + " -> " + r.body());
            assertEquals("Must specify either 'toEnd': true or 'timestamp'", r.json().getString("error"));
        }
    }

    @Test
    void seekingOnePartitionMovesOnlyThatPartitionToItsNewestMessage() {
        String q = QueueClient.uniqueQueue();
        String g = group();
        JsonArray p1 = client.pushMany(q, "p1", List.of("a", "b", "c"));
        client.pushMany(q, "p2", List.of("x", "y"));
        Http.Response first = http.get("/api/v1/pop/queue/" + q + "/partition/p1?batch=1&autoAck=true"
                + "&consumerGroup=" + g);
        assertEquals(List.of("a"), QueueClient.transactionIds(first));

        JsonObject body = ok(http.post("/api/v1/consumer-groups/" + g + "/queues/" + q + "/partitions/p1/seek",
                (String) null));
        assertEquals(g, body.getString("consumerGroup"));
        assertEquals(q, body.getString("queueName"));
        assertEquals("p1", body.getString("partitionName"));
        assertCount(1, body, "updated");
        assertEquals(p1.getJsonObject(2).getString("message_id"), body.getString("cursorMovedTo"));

        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "/partition/p1?consumerGroup=" + g).status());
        assertEquals(List.of("x", "y"), QueueClient.transactionIds(
                http.get("/api/v1/pop/queue/" + q + "/partition/p2?batch=10&consumerGroup=" + g)));
    }

    @Test
    void seekingAPartitionTheGroupNeverReadStartsItAtTheEnd() {
        String q = QueueClient.uniqueQueue();
        String g = group();
        JsonArray pushed = client.pushMany(q, "p1", List.of("a", "b"));
        JsonObject body = ok(http.post("/api/v1/consumer-groups/" + g + "/queues/" + q + "/partitions/p1/seek",
                "{}"));
        assertEquals(pushed.getJsonObject(1).getString("message_id"), body.getString("cursorMovedTo"));
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "/partition/p1?consumerGroup=" + g).status());
    }

    @Test
    void seekingAnUnknownPartitionIs404() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p1", List.of("a"));
        for (String path : new String[] {
                "/api/v1/consumer-groups/" + group() + "/queues/" + q + "/partitions/nope/seek",
                "/api/v1/consumer-groups/" + group() + "/queues/" + QueueClient.uniqueQueue() + "/partitions/p1/seek"}) {
            Http.Response r = http.post(path, "{}");
            assertEquals(404, r.status(), r.body());
            assertEquals(false, r.json().getValue("success"));
            assertEquals("Partition not found", r.json().getString("error"));
        }
    }

    @Test
    void subscriptionUpdateRequiresATimestamp() {
        Http.Response r = http.post("/api/v1/consumer-groups/" + group() + "/subscription", "{}");
        assertEquals(400, r.status(), r.body());
        assertEquals("Missing subscriptionTimestamp in request body", r.json().getString("error"));
    }

    @Test
    void subscriptionUpdateOfAGroupWithoutMetadataUpdatesNothing() {
        String g = group();
        JsonObject body = ok(http.post("/api/v1/consumer-groups/" + g + "/subscription",
                "{\"subscriptionTimestamp\":\"2024-05-01T10:00:00.000Z\"}"));
        assertEquals(g, body.getString("consumerGroup"));
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"), Instant.parse(body.getString("newTimestamp")));
        assertCount(0, body, "rowsUpdated");
    }

    @Test
    void movingTheSubscriptionForwardHidesMessagesOnPartitionsTheGroupHasNotRead() {
        String q = QueueClient.uniqueQueue();
        String moved = group();
        String control = group();
        client.pushMany(q, "p1", List.of("old"));
        for (String g : List.of(moved, control)) {
            assertEquals(List.of(), QueueClient.transactionIds(http.get("/api/v1/pop/queue/" + q
                    + "?batch=10&subscriptionMode=new&consumerGroup=" + g)),
                    "a 'new' subscriber must not see older messages");
        }
        client.pushMany(q, "p2", List.of("fresh"));

        String future = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS).toString();
        JsonObject body = ok(http.post("/api/v1/consumer-groups/" + moved + "/subscription",
                new JsonObject().put("subscriptionTimestamp", future)));
        assertEquals(moved, body.getString("consumerGroup"));
        assertEquals(Instant.parse(future), Instant.parse(body.getString("newTimestamp")));

        assertEquals(List.of("fresh"), client.popTransactionIds(q, control, 10, false));
        assertEquals(List.of(), client.popTransactionIds(q, moved, 10, false),
                "the group's subscription now starts in the future");
        assertCount(1, body, "rowsUpdated");
    }
}
