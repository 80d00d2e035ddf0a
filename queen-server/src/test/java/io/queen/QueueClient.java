package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small helpers over {@link Http} shared by the admin / transaction / lifecycle tests. */
final class QueueClient {
    private final Http http;

    QueueClient(Http http) {
        this.http = http;
    }

    static String uniqueQueue() {
        return "t-" + UUID.randomUUID();
    }

    /** Pushes one message and returns the push result item (asserting it was queued). */
    JsonObject push(String queue, String partition, String transactionId, Object payload) {
        JsonObject item = new JsonObject().put("queue", queue).put("payload", payload);
        if (partition != null) {
            item.put("partition", partition);
        }
        if (transactionId != null) {
            item.put("transactionId", transactionId);
        }
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray().add(item)));
        assertEquals(201, r.status(), r.body());
        JsonObject result = r.array().getJsonObject(0);
        assertEquals("queued", result.getString("status"), r.body());
        return result;
    }

    /** Pushes several messages in one request to one partition, in order. */
    JsonArray pushMany(String queue, String partition, List<String> transactionIds) {
        JsonArray items = new JsonArray();
        for (String id : transactionIds) {
            items.add(new JsonObject().put("queue", queue).put("partition", partition)
                    .put("transactionId", id).put("payload", new JsonObject().put("tx", id)));
        }
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
        JsonArray results = r.array();
        assertEquals(transactionIds.size(), results.size(), r.body());
        for (int i = 0; i < results.size(); i++) {
            assertEquals("queued", results.getJsonObject(i).getString("status"), r.body());
        }
        return results;
    }

    /** Pops the queue (wildcard) for a group and returns the messages' transaction ids, empty on 204. */
    List<String> popTransactionIds(String queue, String group, int batch, boolean autoAck) {
        StringBuilder path = new StringBuilder("/api/v1/pop/queue/").append(queue).append("?batch=").append(batch);
        if (group != null) {
            path.append("&consumerGroup=").append(group);
        }
        if (autoAck) {
            path.append("&autoAck=true");
        }
        Http.Response r = http.get(path.toString());
        return transactionIds(r);
    }

    static List<String> transactionIds(Http.Response r) {
        List<String> ids = new ArrayList<>();
        if (r.status() == 204) {
            return ids;
        }
        assertEquals(200, r.status(), r.body());
        JsonArray messages = r.json().getJsonArray("messages");
        assertTrue(messages != null, r.body());
        for (int i = 0; i < messages.size(); i++) {
            ids.add(messages.getJsonObject(i).getString("transactionId"));
        }
        return ids;
    }

    /** Acknowledges every popped message as completed in one batch call and expects success. */
    static JsonArray ackAll(Http http, JsonArray messages, String group) {
        JsonArray acks = new JsonArray();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            acks.add(new JsonObject()
                    .put("transactionId", m.getString("transactionId"))
                    .put("partitionId", m.getString("partitionId"))
                    .put("leaseId", m.getString("leaseId"))
                    .put("status", "completed"));
        }
        JsonObject body = new JsonObject().put("acknowledgments", acks);
        if (group != null) {
            body.put("consumerGroup", group);
        }
        Http.Response r = http.post("/api/v1/ack/batch", body);
        assertEquals(200, r.status(), r.body());
        JsonArray results = r.array();
        assertEquals(messages.size(), results.size(), r.body());
        for (int i = 0; i < results.size(); i++) {
            assertEquals(Boolean.TRUE, results.getJsonObject(i).getBoolean("success"), r.body());
        }
        return results;
    }
}
