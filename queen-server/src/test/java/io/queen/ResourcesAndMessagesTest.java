package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resources and message listings after a known history: partition p1 gets a..e, a and b are
 * acked, c fails into the DLQ (retryLimit 0), d is leased and not acked, e is untouched;
 * partition p2 gets f, untouched. Configure also creates the empty partition "Default".
 */
class ResourcesAndMessagesTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    private String namespace;
    private String queue;
    private String p1;

    @BeforeEach
    void buildHistory() {
        namespace = "ns" + UUID.randomUUID().toString().substring(0, 8);
        queue = namespace + ".work";
        assertEquals(200, http.post("/api/v1/configure", new JsonObject().put("queue", queue)
                .put("namespace", namespace).put("task", "work").put("options", new JsonObject().put("retryLimit", 0))).status());
        client.pushMany(queue, "p1", List.of("a", "b", "c", "d", "e"));
        client.pushMany(queue, "p2", List.of("f"));

        JsonObject firstTwo = pop("p1", 2);
        p1 = firstTwo.getString("partitionId");
        QueueClient.ackAll(http, firstTwo.getJsonArray("messages"), null);

        JsonObject third = pop("p1", 1).getJsonArray("messages").getJsonObject(0);
        assertEquals("c", third.getString("transactionId"));
        Http.Response failed = http.post("/api/v1/ack/batch", new JsonObject().put("acknowledgments", new JsonArray()
                .add(new JsonObject().put("transactionId", "c").put("partitionId", p1)
                        .put("leaseId", third.getString("leaseId")).put("status", "failed").put("error", "boom"))));
        assertEquals(true, failed.array().getJsonObject(0).getValue("dlq"), failed.body());

        assertEquals("d", pop("p1", 1).getJsonArray("messages").getJsonObject(0).getString("transactionId"));
    }

    private JsonObject pop(String partition, int batch) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "/partition/" + partition + "?batch=" + batch);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static void assertCounts(JsonObject stats, long total, long pending, long processing, long completed,
                                     long deadLetter) {
        assertEquals(total, stats.getLong("total"), stats.encode());
        assertEquals(pending, stats.getLong("pending"), stats.encode());
        assertEquals(processing, stats.getLong("processing"), stats.encode());
        assertEquals(completed, stats.getLong("completed"), stats.encode());
        assertEquals(0L, stats.getLong("failed"), stats.encode());
        assertEquals(deadLetter, stats.getLong("deadLetter"), stats.encode());
    }

    @Test
    void queueDetailCountsEveryState() {
        Http.Response r = http.get("/api/v1/resources/queues/" + queue);
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(queue, body.getString("name"));
        assertEquals(namespace, body.getString("namespace"));
        assertEquals("work", body.getString("task"));
        assertNotNull(body.getString("id"));
        assertNotNull(body.getString("createdAt"));
        JsonArray partitions = body.getJsonArray("partitions");
        assertEquals(3, partitions.size(), r.body());
        assertCounts(find(partitions, "name", "Default").getJsonObject("stats"), 0, 0, 0, 0, 0);
        JsonObject first = find(partitions, "name", "p1");
        assertEquals("p1", first.getString("name"));
        assertEquals(p1, first.getString("id"));
        assertCounts(first.getJsonObject("stats"), 5, 1, 1, 2, 1);
        assertNotNull(first.getString("oldestMessage"));
        assertNotNull(first.getString("newestMessage"));
        assertCounts(find(partitions, "name", "p2").getJsonObject("stats"), 1, 1, 0, 0, 0);
        assertCounts(body.getJsonObject("totals"), 6, 2, 1, 2, 1);
    }

    @Test
    void unknownQueueIs404() {
        Http.Response r = http.get("/api/v1/resources/queues/missing-" + UUID.randomUUID());
        assertEquals(404, r.status(), r.body());
        assertEquals("Queue not found", r.json().getString("error"));
    }

    @Test
    void queueListNamespacesTasksAndOverview() {
        JsonObject listed = find(http.get("/api/v1/resources/queues").json().getJsonArray("queues"), "name", queue);
        assertEquals(3L, listed.getLong("partitions"));
        assertEquals(namespace, listed.getString("namespace"));
        JsonObject messages = listed.getJsonObject("messages");
        assertEquals(6L, messages.getLong("total"));
        assertEquals(2L, messages.getLong("pending"));
        assertEquals(1L, messages.getLong("processing"));

        JsonObject ns = find(http.get("/api/v1/resources/namespaces").json().getJsonArray("namespaces"),
                "namespace", namespace);
        assertEquals(1L, ns.getLong("queues"));
        assertEquals(3L, ns.getLong("partitions"));
        assertEquals(6L, ns.getJsonObject("messages").getLong("total"));
        assertEquals(2L, ns.getJsonObject("messages").getLong("pending"));

        JsonObject task = find(http.get("/api/v1/resources/tasks").json().getJsonArray("tasks"), "task", "work");
        assertTrue(task.getLong("queues") >= 1, task.encode());
        assertTrue(task.getJsonObject("messages").getLong("total") >= 6, task.encode());

        JsonObject overview = http.get("/api/v1/resources/overview").json();
        assertTrue(overview.getLong("queues") >= 1);
        assertTrue(overview.getLong("partitions") >= 2);
        assertTrue(overview.getLong("namespaces") >= 1);
        assertTrue(overview.getLong("tasks") >= 1);
        JsonObject all = overview.getJsonObject("messages");
        assertTrue(all.getLong("total") >= 6 && all.getLong("deadLetter") >= 1 && all.getLong("processing") >= 1,
                all.encode());
        assertEquals(all.getLong("total"), all.getLong("pending") + all.getLong("processing")
                + all.getLong("completed") + all.getLong("deadLetter"), all.encode());
        JsonObject lag = overview.getJsonObject("lag");
        assertTrue(lag.getJsonObject("offset").getDouble("max") >= 2, lag.encode());
        assertNotNull(lag.getJsonObject("time").getValue("median"));
        assertTrue(overview.getJsonObject("throughput").getDouble("ingestedPerSecond") > 0, overview.encode());
        assertNotNull(overview.getJsonObject("throughput").getValue("processedPerSecond"));
        assertNotNull(overview.getString("timestamp"));
        assertEquals(0, overview.getInteger("statsAge"));
    }

    private static JsonObject find(JsonArray list, String field, String value) {
        for (int i = 0; i < list.size(); i++) {
            if (value.equals(list.getJsonObject(i).getString(field))) {
                return list.getJsonObject(i);
            }
        }
        throw new AssertionError(value + " not in " + list.encode());
    }

    @Test
    void messageListingDerivesStatusNewestFirst() {
        Http.Response r = http.get("/api/v1/messages?queue=" + queue);
        assertEquals(200, r.status(), r.body());
        JsonArray messages = r.json().getJsonArray("messages");
        List<String> order = new ArrayList<>();
        Map<String, String> status = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            order.add(m.getString("transactionId"));
            status.put(m.getString("transactionId"), m.getString("status"));
            assertNull(m.getValue("payload"), "no payloads in the list");
        }
        assertEquals(List.of("f", "e", "d", "c", "b", "a"), order, "newest first");
        assertEquals(Map.of("a", "completed", "b", "completed", "c", "dead_letter", "d", "processing",
                "e", "pending", "f", "pending"), status);

        JsonObject d = messages.getJsonObject(order.indexOf("d"));
        assertEquals(queue + "/p1", d.getString("queuePath"));
        assertEquals("p1", d.getString("partition"));
        assertEquals(p1, d.getString("partitionId"));
        assertEquals(namespace, d.getString("namespace"));
        assertEquals("processing", d.getString("queueStatus"));
        assertNotNull(d.getString("leaseExpiresAt"));
        assertEquals(0L, d.getJsonObject("busStatus").getLong("totalGroups"));
        assertEquals(0, d.getInteger("queuePriority"));
        JsonObject mode = r.json().getJsonObject("mode");
        assertEquals(true, mode.getValue("hasQueueMode"));
        assertEquals("queue", mode.getString("type"));

        assertEquals(List.of("d"), ids(http.get("/api/v1/messages?queue=" + queue + "&status=processing")));
        assertEquals(List.of("c"), ids(http.get("/api/v1/messages?queue=" + queue + "&status=dead_letter")));
        assertEquals(List.of("f"), ids(http.get("/api/v1/messages?queue=" + queue + "&partition=p2")));
        assertEquals(List.of("e", "d"), ids(http.get("/api/v1/messages?queue=" + queue + "&limit=2&offset=1")));
        assertEquals(6, ids(http.get("/api/v1/messages?ns=" + namespace + "&task=work")).size());
        assertEquals(List.of(), ids(http.get("/api/v1/messages?queue=" + queue + "&to=2001-01-01T00:00:00Z")));
        assertEquals(List.of(), ids(http.get("/api/v1/messages?queue=" + queue + "&from=2999-01-01T00:00:00Z")));
    }

    private static List<String> ids(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        List<String> ids = new ArrayList<>();
        JsonArray messages = r.json().getJsonArray("messages");
        for (int i = 0; i < messages.size(); i++) {
            ids.add(messages.getJsonObject(i).getString("transactionId"));
        }
        return ids;
    }

    @Test
    void badListingParametersAre400() {
        for (String query : List.of("limit=abc", "limit=0", "offset=-1", "from=yesterday", "to=nope",
                "status=lost")) {
            Http.Response r = http.get("/api/v1/messages?queue=" + queue + "&" + query);
            assertEquals(400, r.status(), query + " → " + r.body());
            assertNotNull(r.json().getString("error"));
        }
    }

    @Test
    void messageDetailCarriesPayloadStatusAndDlqError() {
        Http.Response r = http.get("/api/v1/messages/" + p1 + "/c");
        assertEquals(200, r.status(), r.body());
        JsonObject c = r.json();
        assertEquals("c", c.getString("transactionId"));
        assertEquals("dead_letter", c.getString("status"));
        assertEquals(new JsonObject().put("tx", "c"), c.getJsonObject("payload"));
        assertEquals("boom", c.getString("errorMessage"));
        assertEquals(0, c.getInteger("retryCount"));
        assertEquals(false, c.getValue("isEncrypted"));
        assertEquals(0, c.getJsonObject("queueConfig").getInteger("retryLimit"));
        assertEquals(queue + "/p1", c.getString("queuePath"));
        assertEquals("queue", c.getJsonObject("mode").getString("type"));
        assertEquals(new JsonArray(), c.getJsonArray("consumerGroups"));

        JsonObject d = http.get("/api/v1/messages/" + p1 + "/d").json();
        assertEquals("processing", d.getString("status"));
        assertNotNull(d.getString("leaseExpiresAt"));
        assertNull(d.getValue("errorMessage"));

        Http.Response missing = http.get("/api/v1/messages/" + p1 + "/nope");
        assertEquals(404, missing.status());
        assertEquals("Message not found", missing.json().getString("error"));
        assertEquals(400, http.get("/api/v1/messages/not-a-uuid/c").status());
    }

    @Test
    void namedGroupsShowInBusStatus() {
        String group = "g-" + UUID.randomUUID();
        JsonObject popped = http.get("/api/v1/pop/queue/" + queue + "/partition/p1?batch=1&autoAck=true"
                + "&consumerGroup=" + group).json();
        assertEquals("a", popped.getJsonArray("messages").getJsonObject(0).getString("transactionId"));
        JsonObject a = http.get("/api/v1/messages/" + p1 + "/a").json();
        assertEquals("hybrid", a.getJsonObject("mode").getString("type"));
        assertEquals(1L, a.getJsonObject("mode").getLong("consumedByGroups"));
        JsonObject g = a.getJsonArray("consumerGroups").getJsonObject(0);
        assertEquals(group, g.getString("name"));
        assertEquals(true, g.getValue("consumed"));
        JsonObject b = http.get("/api/v1/messages/" + p1 + "/b").json();
        assertEquals(false, b.getJsonArray("consumerGroups").getJsonObject(0).getValue("consumed"));
    }

    @Test
    void deletingAMessageRemovesItFromTheCounts() {
        Http.Response r = http.delete("/api/v1/messages/" + p1 + "/e");
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(true, body.getValue("success"));
        assertEquals(p1, body.getString("partitionId"));
        assertEquals("e", body.getString("transactionId"));
        assertEquals("Message deleted successfully", body.getString("message"));

        JsonObject again = http.delete("/api/v1/messages/" + p1 + "/e").json();
        assertEquals(false, again.getValue("success"));
        assertEquals("Message not found", again.getString("message"));
        assertEquals(404, http.get("/api/v1/messages/" + p1 + "/e").status());
        assertEquals(400, http.delete("/api/v1/messages/xyz/e").status());

        // the dead-lettered message goes with its DLQ row
        assertEquals(true, http.delete("/api/v1/messages/" + p1 + "/c").json().getValue("success"));
        JsonObject totals = http.get("/api/v1/resources/queues/" + queue).json().getJsonObject("totals");
        assertCounts(totals, 4, 1, 1, 2, 0);
    }
}
