package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaseExtendTest {
    private static final String ISO_MILLIS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    private void configureLease(String queue, int seconds) {
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", queue)
                .put("options", new JsonObject().put("leaseTime", seconds)));
        assertEquals(200, r.status(), r.body());
    }

    private JsonObject extend(String leaseId, String body) {
        Http.Response r = http.post("/api/v1/lease/" + leaseId + "/extend", body);
        assertEquals(200, r.status(), r.body());
        JsonArray items = r.array();
        assertEquals(1, items.size(), r.body());
        JsonObject item = items.getJsonObject(0);
        assertEquals(0, item.getInteger("index"));
        assertEquals(leaseId, item.getString("leaseId"));
        return item;
    }

    @Test
    void extendingAnActiveLeaseMovesItsExpiry() {
        String q = QueueClient.uniqueQueue();
        configureLease(q, 30);
        client.push(q, null, "l1", 1);
        Http.Response popped = http.get("/api/v1/pop/queue/" + q);
        assertEquals(200, popped.status(), popped.body());
        String leaseId = popped.json().getString("leaseId");

        Instant before = Instant.now();
        JsonObject item = extend(leaseId, "{\"seconds\":600}");
        assertEquals(true, item.getValue("success"), item.encode());
        assertTrue(item.containsKey("error"), item.encode());
        assertNull(item.getValue("error"));
        String expiresAt = item.getString("expiresAt");
        assertTrue(expiresAt.matches(ISO_MILLIS), expiresAt);
        Duration ahead = Duration.between(before, Instant.parse(expiresAt));
        assertTrue(ahead.getSeconds() >= 590 && ahead.getSeconds() <= 610, "expiresAt " + expiresAt);

        // the default extension is 60 s, and the expiry never moves backwards
        JsonObject again = extend(leaseId, "{}");
        assertEquals(true, again.getValue("success"), again.encode());
        assertTrue(!Instant.parse(again.getString("expiresAt")).isBefore(Instant.parse(expiresAt)),
                again.encode() + " vs " + expiresAt);
    }

    @Test
    void defaultExtensionIsSixtySeconds() {
        String q = QueueClient.uniqueQueue();
        configureLease(q, 5);
        client.push(q, null, "d1", 1);
        Http.Response popped = http.get("/api/v1/pop/queue/" + q);
        assertEquals(200, popped.status(), popped.body());
        Instant before = Instant.now();
        JsonObject item = extend(popped.json().getString("leaseId"), "{}");
        assertEquals(true, item.getValue("success"), item.encode());
        long ahead = Duration.between(before, Instant.parse(item.getString("expiresAt"))).getSeconds();
        assertTrue(ahead >= 55 && ahead <= 65, "expected about 60 s, got " + ahead + " (" + item.encode() + ")");
    }

    @Test
    void unknownLeaseIsReportedAsNotFound() {
        String unknown = UUID.randomUUID().toString();
        JsonObject item = extend(unknown, "{\"seconds\":10}");
        assertEquals(false, item.getValue("success"));
        assertEquals("Lease not found", item.getString("error"));
        assertTrue(item.containsKey("expiresAt"), item.encode());
        assertNull(item.getValue("expiresAt"));
    }

    @Test
    void expiredLeaseIsReportedAsExpired() throws Exception {
        String q = QueueClient.uniqueQueue();
        configureLease(q, 1);
        client.push(q, null, "e1", 1);
        Http.Response popped = http.get("/api/v1/pop/queue/" + q);
        assertEquals(200, popped.status(), popped.body());
        Thread.sleep(1600);
        JsonObject item = extend(popped.json().getString("leaseId"), "{\"seconds\":30}");
        assertEquals(false, item.getValue("success"), item.encode());
        assertEquals("Lease already expired", item.getString("error"));
        assertNull(item.getValue("expiresAt"));
        // and the message is redelivered
        assertEquals(List.of("e1"), client.popTransactionIds(q, null, 10, false));
    }

    @Test
    void invalidLeaseIdAndMissingBodyAreRejected() {
        Http.Response badId = http.post("/api/v1/lease/not-a-uuid/extend", "{}");
        assertEquals(400, badId.status(), badId.body());
        assertInstanceOf(String.class, badId.json().getValue("error"));

        Http.Response noBody = http.post("/api/v1/lease/" + UUID.randomUUID() + "/extend", "");
        assertEquals(400, noBody.status(), noBody.body());
        assertInstanceOf(String.class, noBody.json().getValue("error"));
    }

    @Test
    void extendingAMultiPartitionLeaseKeepsAllPartitionsLeased() throws Exception {
        String q = QueueClient.uniqueQueue();
        configureLease(q, 2);
        client.pushMany(q, "p1", List.of("a1", "a2"));
        client.pushMany(q, "p2", List.of("b1", "b2"));

        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "?batch=10&partitions=2");
        assertEquals(200, popped.status(), popped.body());
        JsonObject body = popped.json();
        assertEquals(2, body.getInteger("partitionsClaimed"), popped.body());
        JsonArray messages = body.getJsonArray("messages");
        assertEquals(4, messages.size(), popped.body());
        Set<String> partitions = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            partitions.add(messages.getJsonObject(i).getString("partitionId"));
        }
        assertEquals(2, partitions.size());

        JsonObject item = extend(body.getString("leaseId"), "{\"seconds\":60}");
        assertEquals(true, item.getValue("success"), item.encode());

        Thread.sleep(3000); // past the original 2 s lease
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "?batch=10&partitions=2").status(),
                "both partitions must still be leased");
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "/partition/p1").status());
        assertEquals(204, http.get("/api/v1/pop/queue/" + q + "/partition/p2").status());
    }

    @Test
    void withoutExtensionTheShortLeaseExpiresAndMessagesComeBack() throws Exception {
        // control case for the test above: the same set-up without the extension redelivers
        String q = QueueClient.uniqueQueue();
        configureLease(q, 1);
        client.pushMany(q, "p1", List.of("a1"));
        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "?batch=10");
        assertEquals(200, popped.status(), popped.body());
        Thread.sleep(1800);
        assertEquals(List.of("a1"), client.popTransactionIds(q, null, 10, false));
    }
}
