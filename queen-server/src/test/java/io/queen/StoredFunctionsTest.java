package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two SQL functions of spec 2.3 are a contract of their own (client tooling calls them directly). */
class StoredFunctionsTest {
    private static ServerOnOwnDatabase own;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-sqlfn");
        server = own.server;
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    private Connection connect() throws Exception {
        return own.connect();
    }

    private void push(JsonArray items) throws Exception {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT queen.push_messages_v3(?::jsonb)")) {
            s.setString(1, items.encode());
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
            }
        }
    }

    private JsonArray pop(String queue, String partition, int batch) throws Exception {
        JsonArray request = new JsonArray().add(new JsonObject()
                .put("idx", 0).put("queue_name", queue).put("partition_name", partition)
                .put("consumer_group", "__QUEUE_MODE__").put("lease_seconds", 0)
                .put("worker_id", UUID.randomUUID().toString()).put("batch_size", batch)
                .put("sub_mode", "").put("sub_from", ""));
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT queen.pop_specific_batch(?::jsonb)")) {
            s.setString(1, request.encode());
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                JsonArray out = new JsonArray(rs.getString(1));
                assertEquals(1, out.size(), out.encode());
                assertEquals(0, out.getJsonObject(0).getInteger("idx"), out.encode());
                return out.getJsonObject(0).getJsonObject("result").getJsonArray("messages");
            }
        }
    }

    private static JsonObject item(String queue, String partition, String transactionId, Object payload) {
        return new JsonObject().put("queue", queue).put("partition", partition)
                .put("transactionId", transactionId).put("payload", payload);
    }

    @Test
    void producerSubRoundTripsThroughTheStoredFunctions() throws Exception {
        String q = QueueClient.uniqueQueue();
        push(new JsonArray()
                .add(item(q, "p1", "tx-1", new JsonObject().put("k", 1)).put("producerSub", "user-123"))
                .add(item(q, "p1", "tx-2", new JsonObject().put("k", 2)).put("producerSub", "user-456")));
        JsonArray messages = pop(q, "p1", 10);
        assertEquals(2, messages.size(), messages.encode());
        assertEquals("tx-1", messages.getJsonObject(0).getString("transactionId"));
        assertEquals("user-123", messages.getJsonObject(0).getString("producerSub"));
        assertEquals(new JsonObject().put("k", 1), messages.getJsonObject(0).getJsonObject("data"));
        assertEquals("tx-2", messages.getJsonObject(1).getString("transactionId"));
        assertEquals("user-456", messages.getJsonObject(1).getString("producerSub"));
    }

    @Test
    void producerSubIsNullWhenNotProvided() throws Exception {
        String q = QueueClient.uniqueQueue();
        push(new JsonArray().add(item(q, "Default", "no-sub", "x")));
        JsonArray messages = pop(q, "Default", 10);
        assertEquals(1, messages.size(), messages.encode());
        assertEquals("no-sub", messages.getJsonObject(0).getString("transactionId"));
        assertTrue(messages.getJsonObject(0).containsKey("producerSub"), messages.encode());
        assertNull(messages.getJsonObject(0).getValue("producerSub"));
    }

    @Test
    void emptyProducerSubIsStoredAsNull() throws Exception {
        String q = QueueClient.uniqueQueue();
        push(new JsonArray().add(item(q, "Default", "empty-sub", 7).put("producerSub", "")));
        JsonArray messages = pop(q, "Default", 10);
        assertEquals(1, messages.size(), messages.encode());
        assertEquals("empty-sub", messages.getJsonObject(0).getString("transactionId"));
        assertNull(messages.getJsonObject(0).getValue("producerSub"), messages.encode());
    }

    @Test
    void messagesPushedThroughSqlAreVisibleOverHttpAndViceVersa() throws Exception {
        String q = QueueClient.uniqueQueue();
        push(new JsonArray().add(item(q, "px", "from-sql", new JsonObject().put("via", "sql"))
                .put("producerSub", "svc")));
        Http.Response popped = server.http.get("/api/v1/pop/queue/" + q + "/partition/px?batch=10");
        assertEquals(200, popped.status(), popped.body());
        JsonObject m = popped.json().getJsonArray("messages").getJsonObject(0);
        assertEquals("from-sql", m.getString("transactionId"));
        assertEquals("svc", m.getString("producerSub"));
        assertEquals(new JsonObject().put("via", "sql"), m.getJsonObject("data"));

        String q2 = QueueClient.uniqueQueue();
        new QueueClient(server.http).push(q2, "py", "from-http", 5);
        JsonArray messages = pop(q2, "py", 10);
        assertEquals(1, messages.size(), messages.encode());
        assertEquals("from-http", messages.getJsonObject(0).getString("transactionId"));
        assertEquals(5, messages.getJsonObject(0).getInteger("data"));
    }

    @Test
    void pushMessagesV2TakesTheSameInputAsV3() throws Exception {
        String q = QueueClient.uniqueQueue();
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT queen.push_messages_v2(?::jsonb)")) {
            s.setString(1, new JsonArray().add(item(q, "p", "via-v2", 3).put("producerSub", "old-tool")).encode());
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
            }
        }
        JsonArray messages = pop(q, "p", 10);
        assertEquals("via-v2", messages.getJsonObject(0).getString("transactionId"));
        assertEquals("old-tool", messages.getJsonObject(0).getString("producerSub"));
    }

    @Test
    void anyTextIsAWorkerIdAndOneWorkerKeepsOneLease() throws Exception {
        String q = QueueClient.uniqueQueue();
        push(new JsonArray().add(item(q, "p", "w-1", 1)).add(item(q, "p", "w-2", 2)));
        JsonObject first = popAs(q, "test-worker-17");
        assertEquals(1, first.getJsonArray("messages").size(), first.encode());
        // the partition is leased to test-worker-17: another worker gets nothing, the same
        // worker's next call is the same lease
        assertEquals(0, popAs(q, "test-worker-18").getJsonArray("messages").size());
        assertEquals(first.getString("leaseId"), popAs(q, "test-worker-17").getString("leaseId"));
    }

    /** One-message pop of partition p as worker {@code worker}; answers the result object. */
    private JsonObject popAs(String queue, String worker) throws Exception {
        JsonArray request = new JsonArray().add(new JsonObject()
                .put("idx", 0).put("queue_name", queue).put("partition_name", "p")
                .put("consumer_group", "__QUEUE_MODE__").put("lease_seconds", 0)
                .put("worker_id", worker).put("batch_size", 1).put("sub_mode", "").put("sub_from", ""));
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT queen.pop_specific_batch(?::jsonb)")) {
            s.setString(1, request.encode());
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next());
                return new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("result");
            }
        }
    }

    @Test
    void popOfAnUnknownPartitionReturnsNoMessages() throws Exception {
        JsonArray messages = pop(QueueClient.uniqueQueue(), "nothing", 10);
        assertTrue(messages == null || messages.isEmpty(), String.valueOf(messages));
    }
}
