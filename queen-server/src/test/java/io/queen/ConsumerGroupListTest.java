package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerGroupListTest {
    private final Http http = TestServer.shared().http;

    /** 3 messages in partition a, 2 in b; group g consumes and acks a's first two. */
    private String prepare(String group) {
        String q = "cgl-" + UUID.randomUUID();
        JsonArray items = new JsonArray();
        for (int i = 0; i < 3; i++) {
            items.add(new JsonObject().put("queue", q).put("partition", "a").put("payload", i));
        }
        for (int i = 0; i < 2; i++) {
            items.add(new JsonObject().put("queue", q).put("partition", "b").put("payload", i));
        }
        assertEquals(201, http.post("/api/v1/push", new JsonObject().put("items", items)).status());
        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "/partition/a?batch=2&consumerGroup=" + group);
        assertEquals(200, popped.status(), popped.body());
        QueueClient.ackAll(http, popped.json().getJsonArray("messages"), group);
        // b: leased, not acknowledged
        assertEquals(200, http.get("/api/v1/pop/queue/" + q + "/partition/b?batch=1&consumerGroup=" + group).status());
        return q;
    }

    @Test
    void listShowsEachGroupAndQueueWithItsLag() {
        String group = "g-" + UUID.randomUUID();
        String q = prepare(group);
        Http.Response r = http.get("/api/v1/consumer-groups");
        assertEquals(200, r.status(), r.body());
        JsonObject entry = null;
        for (Object o : r.array()) {
            JsonObject e = (JsonObject) o;
            if (group.equals(e.getString("name")) && q.equals(e.getString("queueName"))) {
                entry = e;
            }
        }
        assertNotNull(entry, r.body());
        assertEquals(new JsonArray().add(q), entry.getJsonArray("topics"));
        assertEquals(2, entry.getInteger("members"));
        assertEquals(2, entry.getInteger("partitionsWithLag"));
        // a: 1 after the cursor; b: 2 (the leased one is not acknowledged yet)
        assertEquals(3, entry.getInteger("totalLag"));
        assertEquals("Stable", entry.getString("state"));
        assertTrue(entry.getInteger("maxTimeLag") >= 0);
    }

    @Test
    void detailsListPartitionsPerQueue() {
        String group = "g-" + UUID.randomUUID();
        String q = prepare(group);
        Http.Response r = http.get("/api/v1/consumer-groups/" + group);
        assertEquals(200, r.status(), r.body());
        JsonArray partitions = r.json().getJsonObject(q).getJsonArray("partitions");
        assertEquals(2, partitions.size(), r.body());
        JsonObject a = partitions.getJsonObject(0);
        assertEquals("a", a.getString("partition"));
        assertEquals(2, a.getInteger("totalConsumed"));
        assertEquals(1, a.getInteger("offsetLag"));
        assertEquals(false, a.getBoolean("leaseActive"));
        assertNull(a.getString("workerId"));
        JsonObject b = partitions.getJsonObject(1);
        assertEquals("b", b.getString("partition"));
        assertEquals(2, b.getInteger("offsetLag"));
        assertEquals(true, b.getBoolean("leaseActive"));
        assertNotNull(b.getString("workerId"));

        assertEquals("{}", http.get("/api/v1/consumer-groups/nobody-" + UUID.randomUUID()).body());
    }

    @Test
    void laggingFiltersByAgeAndRejectsBadInput() throws Exception {
        String group = "g-" + UUID.randomUUID();
        String q = prepare(group);
        Thread.sleep(1100);
        Http.Response r = http.get("/api/v1/consumer-groups/lagging?minLagSeconds=0");
        assertEquals(200, r.status(), r.body());
        long mine = r.array().stream().map(o -> (JsonObject) o)
                .filter(e -> group.equals(e.getString("consumer_group")) && q.equals(e.getString("queue_name")))
                .count();
        assertEquals(2, mine, r.body());
        Http.Response none = http.get("/api/v1/consumer-groups/lagging?minLagSeconds=3600");
        assertTrue(none.array().stream().map(o -> (JsonObject) o)
                .noneMatch(e -> group.equals(e.getString("consumer_group"))), none.body());
        assertEquals(400, http.get("/api/v1/consumer-groups/lagging?minLagSeconds=soon").status());
    }
}
