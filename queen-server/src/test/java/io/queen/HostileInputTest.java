package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values a client controls that used to reach PostgreSQL (and come back as a 500 with its
 * text) or were silently ignored: each gets a 400 with a JSON error that says what is wrong,
 * and the server goes on serving.
 */
class HostileInputTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    private static final String MEGABYTE = "x".repeat(1024 * 1024);

    @Test
    void overlongNamesAndIdsAreRefusedAtTheEdge() {
        String q = QueueClient.uniqueQueue();
        assertRefused(push(new JsonObject().put("queue", q).put("transactionId", MEGABYTE)), "transactionId is too long");
        assertRefused(push(new JsonObject().put("queue", MEGABYTE)), "Queue name is too long");
        assertRefused(push(new JsonObject().put("queue", q).put("partition", "p".repeat(256))),
                "Partition name is too long");
        assertRefused(http.post("/api/v1/configure", new JsonObject().put("queue", MEGABYTE)), "Queue name is too long");
        assertRefused(http.post("/api/v1/configure", new JsonObject().put("queue", q).put("namespace", MEGABYTE)),
                "namespace is too long");
        // the longest accepted values are stored and delivered
        String longest = "t".repeat(512);
        String partition = "p".repeat(255);
        Http.Response ok = push(new JsonObject().put("queue", q).put("partition", partition)
                .put("transactionId", longest));
        assertEquals(201, ok.status(), ok.body());
        assertEquals(List.of(longest), client.popTransactionIds(q, null, 10, true));
    }

    @Test
    void anEmptyQueueNameIsRefused() {
        assertRefused(push(new JsonObject().put("queue", "")), "Queue name must not be empty");
        assertRefused(http.post("/api/v1/configure", new JsonObject().put("queue", "")), "Queue name must not be empty");
    }

    @Test
    void anAckWithAnUnknownStatusIsRefused() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("a"));
        JsonObject m = http.get("/api/v1/pop/queue/" + q + "?batch=1").json().getJsonArray("messages").getJsonObject(0);
        Http.Response bogus = http.post("/api/v1/ack", new JsonObject().put("transactionId", "a")
                .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                .put("status", "bogus"));
        assertRefused(bogus, "status must be one of");
        // the message is still leased to its consumer, which can ack it properly
        Http.Response done = http.post("/api/v1/ack", new JsonObject().put("transactionId", "a")
                .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                .put("status", "completed"));
        assertEquals(true, done.array().getJsonObject(0).getValue("success"), done.body());
    }

    @Test
    void unreadableSubscriptionSettingsAreRefusedNotIgnored() {
        String q = QueueClient.uniqueQueue();
        client.pushMany(q, "p", List.of("old"));
        assertRefused(http.get("/api/v1/pop/queue/" + q + "?consumerGroup=g&subscriptionFrom=garbage"),
                "subscriptionFrom must be an ISO-8601 timestamp");
        assertRefused(http.get("/api/v1/pop/queue/" + q + "?consumerGroup=g&subscriptionMode=bogus"),
                "subscriptionMode must be one of");
        // nothing was consumed by the refused pops: the group still starts from the beginning
        assertEquals(List.of("old"), client.popTransactionIds(q, "g", 10, true));
    }

    @Test
    void parserLimitsAreReportedWithoutTheParsersOwnOptionNames() {
        String deep = "[".repeat(2000) + "]".repeat(2000);
        Http.Response configure = http.post("/api/v1/configure", "{\"queue\": \"q\", \"options\": " + deep + "}");
        assertRefused(configure, "Invalid JSON");
        assertFalse(configure.body().contains("StreamRead") || configure.body().contains("`"), configure.body());
        Http.Response push = http.post("/api/v1/push", "{\"items\": [{\"queue\": \"q\", \"payload\": " + deep + "}]}");
        assertRefused(push, "Invalid JSON");
        assertFalse(push.body().contains("StreamRead") || push.body().contains("`"), push.body());
    }

    @Test
    void requestsTheHttpDecoderRefusesGetAJsonBody() throws Exception {
        String longUrl = "GET /api/v1/pop/queue/" + "q".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
        assertRaw(longUrl, 414, "Request line too long");
        String bigHeader = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(20_000) + "\r\n\r\n";
        assertRaw(bigHeader, 431, "Request headers too large");
        // and the server goes on serving
        assertEquals(200, http.get("/health").status());
    }

    /** Sends raw bytes and checks the status line and the JSON error of the answer. */
    private static void assertRaw(String request, int status, String message) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", TestServer.shared().port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            // the version of a request the decoder could not read is unknown: answered as 1.0
            assertTrue(answer.startsWith("HTTP/1.") && answer.startsWith(" " + status, 8), answer);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertTrue(new JsonObject(body).getString("error").contains(message), answer);
        }
    }

    private Http.Response push(JsonObject item) {
        return http.post("/api/v1/push", new JsonObject().put("items", new JsonArray().add(
                item.put("payload", new JsonObject().put("k", 1)))));
    }

    private static void assertRefused(Http.Response r, String message) {
        assertEquals(400, r.status(), r.body().length() > 500 ? r.body().substring(0, 500) : r.body());
        String error = r.json().getString("error");
        assertTrue(error.contains(message), error);
        assertTrue(error.length() < 300, "the error does not echo the input: " + error.length() + " characters");
        assertFalse(error.contains("ERROR:") || error.contains("index row") || error.contains("queen."), error);
    }
}
