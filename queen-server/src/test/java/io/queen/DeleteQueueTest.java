package io.queen;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DeleteQueueTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    @Test
    void deletingAQueueRemovesItsMessagesAndAPushRecreatesItEmpty() {
        String q = QueueClient.uniqueQueue();
        JsonObject before = client.push(q, "p1", "old-1", 1);
        client.push(q, "p2", "old-2", 2);
        String oldQueueId = http.post("/api/v1/configure", new JsonObject().put("queue", q)).json()
                .getString("queueId");

        Http.Response deleted = http.delete("/api/v1/resources/queues/" + q);
        assertEquals(200, deleted.status(), deleted.body());
        JsonObject body = deleted.json();
        assertEquals(true, body.getValue("deleted"));
        assertEquals(q, body.getString("queue"));
        assertEquals(true, body.getValue("existed"));

        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "/partition/p1").status());
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?consumerGroup=other").status());

        JsonObject again = client.push(q, "p1", "old-1", 3);
        assertNotEquals(before.getString("message_id"), again.getString("message_id"),
                "the old message (and its transaction id) must be gone");
        assertEquals(List.of("old-1"), client.popTransactionIds(q, null, 10, false));
        assertEquals(List.of(), client.popTransactionIds(q, null, 10, false));

        String newQueueId = http.post("/api/v1/configure", new JsonObject().put("queue", q)).json()
                .getString("queueId");
        assertNotEquals(oldQueueId, newQueueId);
    }

    @Test
    void deletingAnUnknownQueueSucceedsWithExistedFalse() {
        String q = "t-missing-" + UUID.randomUUID();
        Http.Response r = http.delete("/api/v1/resources/queues/" + q);
        assertEquals(200, r.status(), r.body());
        assertEquals(true, r.json().getValue("deleted"));
        assertEquals(q, r.json().getString("queue"));
        assertEquals(false, r.json().getValue("existed"));
    }

    @Test
    void deletingTwiceReportsExistedOnlyTheFirstTime() {
        String q = QueueClient.uniqueQueue();
        client.push(q, null, "x", 1);
        assertEquals(true, http.delete("/api/v1/resources/queues/" + q).json().getValue("existed"));
        assertEquals(false, http.delete("/api/v1/resources/queues/" + q).json().getValue("existed"));
    }

    @Test
    void deletingAQueueResetsConsumerGroupsOnIt() {
        String q = QueueClient.uniqueQueue();
        String group = "g-" + UUID.randomUUID();
        client.pushMany(q, "Default", List.of("a", "b"));
        assertEquals(List.of("a", "b"), client.popTransactionIds(q, group, 10, true));

        assertEquals(200, http.delete("/api/v1/resources/queues/" + q).status());
        client.pushMany(q, "Default", List.of("c"));
        assertEquals(List.of("c"), client.popTransactionIds(q, group, 10, true));
    }

    @Test
    void deletingOneQueueLeavesOthersAlone() {
        String q = QueueClient.uniqueQueue();
        String other = QueueClient.uniqueQueue();
        client.push(q, null, "x", 1);
        client.push(other, null, "y", 1);
        assertEquals(200, http.delete("/api/v1/resources/queues/" + q).status());
        assertEquals(List.of("y"), client.popTransactionIds(other, null, 10, false));
    }
}
