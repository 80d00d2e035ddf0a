package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DlqAndTracesTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);

    /** Pops one message of the partition for the group and fails it; retryLimit 0 sends it to the DLQ. */
    private JsonObject popAndFail(String queue, String partition, String group, String error) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "/partition/" + partition + "?batch=1"
                + (group == null ? "" : "&consumerGroup=" + group));
        assertEquals(200, r.status(), r.body());
        JsonObject m = r.json().getJsonArray("messages").getJsonObject(0);
        JsonObject body = new JsonObject().put("acknowledgments", new JsonArray().add(new JsonObject()
                .put("transactionId", m.getString("transactionId")).put("partitionId", m.getString("partitionId"))
                .put("leaseId", m.getString("leaseId")).put("status", "failed").put("error", error)));
        if (group != null) {
            body.put("consumerGroup", group);
        }
        Http.Response ack = http.post("/api/v1/ack/batch", body);
        assertEquals(true, ack.array().getJsonObject(0).getValue("dlq"), ack.body());
        return m;
    }

    private JsonObject dlq(String query) {
        Http.Response r = http.get("/api/v1/dlq?" + query);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static List<String> ids(JsonObject page) {
        List<String> ids = new ArrayList<>();
        JsonArray messages = page.getJsonArray("messages");
        for (int i = 0; i < messages.size(); i++) {
            ids.add(messages.getJsonObject(i).getString("transactionId"));
        }
        return ids;
    }

    @Test
    void dlqPagesAndFilters() throws Exception {
        String queue = QueueClient.uniqueQueue();
        String group = "g-" + UUID.randomUUID();
        http.post("/api/v1/configure", new JsonObject().put("queue", queue)
                .put("options", new JsonObject().put("retryLimit", 0)));
        client.pushMany(queue, "p1", List.of("m1", "m2", "m3"));
        client.pushMany(queue, "p2", List.of("m4"));
        Instant start = Instant.now();
        popAndFail(queue, "p1", null, "e1");
        Thread.sleep(5);
        popAndFail(queue, "p1", null, "e2");
        Thread.sleep(5);
        popAndFail(queue, "p2", null, "e4");
        Thread.sleep(5);
        popAndFail(queue, "p1", group, "g1");

        JsonObject all = dlq("queue=" + queue);
        assertEquals(4L, all.getLong("total"));
        assertEquals(List.of("m1", "m4", "m2", "m1"), ids(all), "newest failure first");
        assertEquals(new JsonObject().put("limit", 100).put("offset", 0), all.getJsonObject("pagination"));
        JsonObject newest = all.getJsonArray("messages").getJsonObject(0);
        assertEquals(group, newest.getString("consumerGroup"));
        assertEquals("g1", newest.getString("errorMessage"));
        assertEquals(queue, newest.getString("queue"));
        assertEquals("p1", newest.getString("partition"));
        assertEquals(new JsonObject().put("tx", "m1"), newest.getJsonObject("data"));
        assertEquals(0, newest.getInteger("retryCount"));
        for (String field : List.of("id", "partitionId", "createdAt", "failedAt")) {
            assertNotNull(newest.getString(field), field);
        }
        assertTrue(newest.containsKey("producerSub"));

        JsonObject page = dlq("queue=" + queue + "&limit=2&offset=1");
        assertEquals(List.of("m4", "m2"), ids(page));
        assertEquals(4L, page.getLong("total"));
        assertEquals(new JsonObject().put("limit", 2).put("offset", 1), page.getJsonObject("pagination"));
        JsonObject beyond = dlq("queue=" + queue + "&offset=10");
        assertEquals(List.of(), ids(beyond));
        assertEquals(4L, beyond.getLong("total"));

        assertEquals(List.of("m1"), ids(dlq("queue=" + queue + "&consumerGroup=" + group)));
        assertEquals(List.of("m4", "m2", "m1"), ids(dlq("queue=" + queue + "&consumerGroup=__QUEUE_MODE__")));
        assertEquals(List.of("m4"), ids(dlq("queue=" + queue + "&partition=p2")));
        String future = URLEncoder.encode(Instant.now().plusSeconds(3600).toString(), StandardCharsets.UTF_8);
        String past = URLEncoder.encode(start.minusSeconds(3600).toString(), StandardCharsets.UTF_8);
        assertEquals(4L, dlq("queue=" + queue + "&from=" + past + "&to=" + future).getLong("total"));
        assertEquals(0L, dlq("queue=" + queue + "&from=" + future).getLong("total"));
        assertEquals(0L, dlq("queue=" + queue + "&to=" + past).getLong("total"));
        assertEquals(0L, dlq("queue=missing-" + UUID.randomUUID()).getLong("total"));

        for (String bad : List.of("limit=x", "offset=-2", "from=soon", "to=2020-13-45")) {
            Http.Response r = http.get("/api/v1/dlq?queue=" + queue + "&" + bad);
            assertEquals(400, r.status(), bad + " → " + r.body());
        }
    }

    private Http.Response trace(JsonObject body) {
        return http.post("/api/v1/traces", body);
    }

    @Test
    void tracesAreRecordedAndListedPerMessageAndName() {
        String queue = QueueClient.uniqueQueue();
        String name = "order-" + UUID.randomUUID();
        String other = "other " + UUID.randomUUID();
        String partitionId = client.pushMany(queue, "p", List.of("t1", "t2")).getJsonObject(0)
                .getString("partition_id");

        Http.Response first = trace(new JsonObject().put("transactionId", "t1").put("partitionId", partitionId)
                .put("data", new JsonObject().put("step", 1)).put("traceNames", new JsonArray().add(name).add(other)));
        assertEquals(201, first.status(), first.body());
        assertEquals(true, first.json().getValue("success"));
        String firstId = first.json().getString("traceId");
        assertNotNull(UUID.fromString(firstId));
        assertEquals(201, trace(new JsonObject().put("transactionId", "t1").put("partitionId", partitionId)
                .put("data", "second").put("eventType", "processed").put("consumerGroup", "g")
                .put("traceNames", name)).status());
        assertEquals(201, trace(new JsonObject().put("transactionId", "t2").put("partitionId", partitionId)
                .put("data", 3).put("traceNames", name)).status());

        JsonArray traces = http.get("/api/v1/traces/" + partitionId + "/t1").json().getJsonArray("traces");
        assertEquals(2, traces.size(), traces.encode());
        JsonObject t = traces.getJsonObject(0);
        assertEquals(firstId, t.getString("id"));
        assertEquals("info", t.getString("event_type"));
        assertEquals("__QUEUE_MODE__", t.getString("consumer_group"));
        assertEquals(new JsonObject().put("step", 1), t.getJsonObject("data"));
        assertNotNull(t.getString("worker_id"));
        assertNotNull(t.getString("created_at"));
        assertEquals(new JsonArray().add(name).add(other), t.getJsonArray("trace_names"));
        JsonObject second = traces.getJsonObject(1);
        assertEquals("processed", second.getString("event_type"));
        assertEquals("g", second.getString("consumer_group"));
        assertEquals("second", second.getString("data"));

        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8);
        JsonObject byName = http.get("/api/v1/traces/by-name/" + encoded).json();
        assertEquals(3L, byName.getLong("total"));
        assertEquals(new JsonObject().put("limit", 100).put("offset", 0), byName.getJsonObject("pagination"));
        JsonObject named = byName.getJsonArray("traces").getJsonObject(0);
        assertEquals("t1", named.getString("transaction_id"));
        assertEquals(partitionId, named.getString("partition_id"));
        assertEquals(queue, named.getString("queue_name"));
        assertEquals("p", named.getString("partition_name"));
        assertEquals(new JsonObject().put("tx", "t1"), named.getJsonObject("message_payload"));
        JsonObject paged = http.get("/api/v1/traces/by-name/" + encoded + "?limit=1&offset=2").json();
        assertEquals(1, paged.getJsonArray("traces").size());
        assertEquals("t2", paged.getJsonArray("traces").getJsonObject(0).getString("transaction_id"));
        assertEquals(1L, http.get("/api/v1/traces/by-name/" + URLEncoder.encode(other, StandardCharsets.UTF_8)
                .replace("+", "%20")).json().getLong("total"));

        JsonObject names = http.get("/api/v1/traces/names?limit=1000").json();
        JsonArray list = names.getJsonArray("trace_names");
        assertTrue(names.getLong("total") >= 2);
        JsonObject entry = null;
        for (int i = 0; i < list.size(); i++) {
            if (name.equals(list.getJsonObject(i).getString("trace_name"))) {
                entry = list.getJsonObject(i);
            }
        }
        assertNotNull(entry, list.encode());
        assertEquals(3L, entry.getLong("trace_count"));
        assertEquals(2L, entry.getLong("message_count"));
        assertNotNull(entry.getString("last_seen"));
        assertEquals(new JsonObject().put("limit", 1).put("offset", 0),
                http.get("/api/v1/traces/names?limit=1").json().getJsonObject("pagination"));
        assertEquals(1, http.get("/api/v1/traces/names?limit=1").json().getJsonArray("trace_names").size());
    }

    @Test
    void badTraceRequests() {
        String queue = QueueClient.uniqueQueue();
        String partitionId = client.push(queue, "p", "t", 1).getString("partition_id");
        Http.Response noIds = trace(new JsonObject().put("transactionId", "t").put("data", 1));
        assertEquals(400, noIds.status());
        assertEquals("transactionId and partitionId are required", noIds.json().getString("error"));
        Http.Response noData = trace(new JsonObject().put("transactionId", "t").put("partitionId", partitionId));
        assertEquals(400, noData.status());
        assertEquals("data is required", noData.json().getString("error"));
        assertEquals(400, trace(new JsonObject().put("transactionId", "t").put("partitionId", "bad")
                .put("data", 1)).status());
        assertEquals(400, trace(new JsonObject().put("transactionId", "t").put("partitionId", partitionId)
                .put("data", 1).put("traceNames", new JsonArray().add(5))).status());
        Http.Response unknown = trace(new JsonObject().put("transactionId", "nope").put("partitionId", partitionId)
                .put("data", 1));
        assertEquals(404, unknown.status());
        assertEquals(false, unknown.json().getValue("success"));
        assertEquals("Message not found", unknown.json().getString("error"));

        assertEquals(new JsonArray(), http.get("/api/v1/traces/" + partitionId + "/t").json().getJsonArray("traces"));
        assertEquals(400, http.get("/api/v1/traces/bad/t").status());
        JsonObject none = http.get("/api/v1/traces/by-name/never-" + UUID.randomUUID()).json();
        assertEquals(0L, none.getLong("total"));
        assertEquals(new JsonArray(), none.getJsonArray("traces"));
        assertEquals(400, http.get("/api/v1/traces/names?offset=x").status());
    }
}
