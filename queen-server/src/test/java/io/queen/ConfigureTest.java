package io.queen;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigureTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    private static final String[] NUMERIC = {"leaseTime", "maxSize", "ttl", "retryLimit", "retryDelay", "priority",
            "delayedProcessing", "windowBuffer", "retentionSeconds", "completedRetentionSeconds",
            "maxWaitTimeSeconds"};
    private static final String[] BOOLEAN = {"deadLetterQueue", "dlqAfterMaxRetries", "retentionEnabled",
            "encryptionEnabled"};

    private JsonObject allOptions() {
        return new JsonObject()
                .put("leaseTime", 45).put("maxSize", 1000).put("ttl", 7200).put("retryLimit", 7)
                .put("retryDelay", 2500).put("deadLetterQueue", true).put("dlqAfterMaxRetries", true)
                .put("priority", 9).put("delayedProcessing", 2).put("windowBuffer", 3)
                .put("retentionSeconds", 86400).put("completedRetentionSeconds", 3600)
                .put("retentionEnabled", true).put("encryptionEnabled", false).put("maxWaitTimeSeconds", 120);
    }

    @Test
    void configureEchoesEveryOptionWithItsJsonType() {
        String q = QueueClient.uniqueQueue();
        JsonObject options = allOptions();
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("namespace", "billing").put("task", "invoices").put("options", options));
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(true, body.getValue("configured"));
        assertEquals(q, body.getString("queue"));
        assertEquals("billing", body.getString("namespace"));
        assertEquals("invoices", body.getString("task"));
        UUID.fromString(body.getString("queueId"));
        UUID.fromString(body.getString("partitionId"));
        JsonObject echoed = body.getJsonObject("options");
        assertEquals(15, echoed.size(), echoed.encode());
        for (String key : NUMERIC) {
            assertInstanceOf(Number.class, echoed.getValue(key), key + " in " + echoed.encode());
            assertEquals(options.getInteger(key).longValue(), ((Number) echoed.getValue(key)).longValue(), key);
        }
        for (String key : BOOLEAN) {
            assertInstanceOf(Boolean.class, echoed.getValue(key), key + " in " + echoed.encode());
            assertEquals(options.getBoolean(key), echoed.getBoolean(key), key);
        }
    }

    @Test
    void omittedOptionsAreResetToDefaults() {
        String q = QueueClient.uniqueQueue();
        Http.Response first = http.post("/api/v1/configure",
                new JsonObject().put("queue", q).put("options", allOptions()));
        assertEquals(200, first.status(), first.body());

        Http.Response second = http.post("/api/v1/configure",
                new JsonObject().put("queue", q).put("options", new JsonObject().put("priority", 4)));
        assertEquals(200, second.status(), second.body());
        assertEquals(first.json().getString("queueId"), second.json().getString("queueId"),
                "reconfiguring must keep the queue");
        assertEquals(first.json().getString("partitionId"), second.json().getString("partitionId"));
        JsonObject o = second.json().getJsonObject("options");
        assertEquals(4, o.getInteger("priority"));
        assertEquals(300, o.getInteger("leaseTime"));
        assertEquals(3, o.getInteger("retryLimit"));
        assertEquals(1000, o.getInteger("retryDelay"));
        assertEquals(3600, o.getInteger("ttl"));
        assertEquals(0, o.getInteger("maxSize"));
        assertEquals(0, o.getInteger("delayedProcessing"));
        assertEquals(0, o.getInteger("windowBuffer"));
        assertEquals(0, o.getInteger("retentionSeconds"));
        assertEquals(0, o.getInteger("completedRetentionSeconds"));
        assertEquals(0, o.getInteger("maxWaitTimeSeconds"));
        for (String key : BOOLEAN) {
            assertEquals(false, o.getValue(key), key);
        }
    }

    @Test
    void configureWithoutOptionsUsesDefaultsAndEmptyNamespace() {
        String q = QueueClient.uniqueQueue();
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", q));
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals("", body.getString("namespace"));
        assertEquals("", body.getString("task"));
        JsonObject o = body.getJsonObject("options");
        assertEquals(300, o.getInteger("leaseTime"));
        assertEquals(0, o.getInteger("priority"));
        assertEquals(false, o.getValue("encryptionEnabled"));
    }

    @Test
    void configuredQueueAcceptsPushesIntoItsDefaultPartition() {
        String q = QueueClient.uniqueQueue();
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", q));
        assertEquals(200, r.status(), r.body());
        JsonObject pushed = client.push(q, null, "c1", new JsonObject().put("a", 1));
        assertEquals(r.json().getString("partitionId"), pushed.getString("partition_id"));
    }

    @Test
    void missingOrNonStringQueueIsRejected() {
        for (String body : new String[] {"{}", "{\"queue\":42}", "{\"queue\":null}", "{\"queue\":[\"a\"]}",
                "{\"options\":{\"leaseTime\":5}}"}) {
            Http.Response r = http.post("/api/v1/configure", body);
            assertEquals(400, r.status(), body + " -> " + r.body());
            assertEquals("queue is required", r.json().getString("error"), body);
        }
    }

    @Test
    void optionOfWrongTypeIsRejectedNamingTheOption() {
        String q = QueueClient.uniqueQueue();
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("leaseTime", "abc")));
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().getString("error").contains("leaseTime"), r.body());

        Http.Response bool = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("encryptionEnabled", "yes-please")));
        assertEquals(400, bool.status(), bool.body());
        assertTrue(bool.json().getString("error").contains("encryptionEnabled"), bool.body());

        // this server has no QUEEN_ENCRYPTION_KEY: refused rather than answered "true" while stored in clear
        Http.Response encrypted = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("encryptionEnabled", true)));
        assertEquals(400, encrypted.status(), encrypted.body());
        assertTrue(encrypted.json().getString("error").contains("QUEEN_ENCRYPTION_KEY"), encrypted.body());

        // nothing was created by the rejected requests: a pop finds no queue
        assertEquals(204, http.get("/api/v1/pop/queue/" + q).status());
    }

    @Test
    void unknownOptionKeysAreIgnored() {
        String q = QueueClient.uniqueQueue();
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("noSuchOption", "whatever").put("leaseTime", 12)));
        assertEquals(200, r.status(), r.body());
        assertEquals(12, r.json().getJsonObject("options").getInteger("leaseTime"));
        assertNotEquals(null, r.json().getString("queueId"));
    }
}
