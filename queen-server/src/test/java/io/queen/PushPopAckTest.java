package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushPopAckTest {
    private final Http http = TestServer.shared().http;

    private static String queue() {
        return "t-" + UUID.randomUUID();
    }

    @Test
    void pushedMessageIsPoppedWithItsPayloadAndAckedOnce() {
        String q = queue();
        Http.Response pushed = http.post("/api/v1/push", "{\"items\":[{\"queue\":\"" + q
                + "\",\"payload\":{\"hello\":\"world\",\"n\":[1,2,3]}}]}");
        assertEquals(201, pushed.status(), pushed.body());
        JsonObject item = pushed.array().getJsonObject(0);
        assertEquals("queued", item.getString("status"));

        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(200, popped.status(), popped.body());
        JsonObject body = popped.json();
        JsonArray messages = body.getJsonArray("messages");
        assertEquals(1, messages.size());
        JsonObject m = messages.getJsonObject(0);
        assertEquals(item.getString("message_id"), m.getString("id"));
        assertEquals(new JsonObject("{\"hello\":\"world\",\"n\":[1,2,3]}"), m.getJsonObject("data"));
        assertEquals("Default", m.getString("partition"));
        assertTrue(m.getString("createdAt").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"));

        Http.Response acked = http.post("/api/v1/ack", new JsonObject()
                .put("transactionId", m.getString("transactionId"))
                .put("partitionId", m.getString("partitionId"))
                .put("leaseId", m.getString("leaseId")));
        assertEquals(200, acked.status(), acked.body());
        JsonObject result = acked.array().getJsonObject(0);
        assertTrue(result.getBoolean("success"), acked.body());
        assertTrue(result.getBoolean("leaseReleased"));

        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    @Test
    void duplicateTransactionIdReportsTheStoredMessage() {
        String q = queue();
        String body = "{\"items\":[{\"queue\":\"" + q + "\",\"transactionId\":\"x1\",\"payload\":1},"
                + "{\"queue\":\"" + q + "\",\"transactionId\":\"x1\",\"payload\":2}]}";
        JsonArray first = http.post("/api/v1/push", body).array();
        assertEquals("queued", first.getJsonObject(0).getString("status"));
        assertEquals("duplicate", first.getJsonObject(1).getString("status"));
        assertEquals(first.getJsonObject(0).getString("message_id"), first.getJsonObject(1).getString("message_id"));
        JsonArray again = http.post("/api/v1/push", body).array();
        assertEquals("duplicate", again.getJsonObject(0).getString("status"));
        assertEquals(first.getJsonObject(0).getString("message_id"), again.getJsonObject(0).getString("message_id"));
        assertNotEquals(null, again.getJsonObject(0).getString("message_id"));
    }
}
