package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusTest {
    private final Http http = TestServer.shared().http;

    @Test
    void queueListAndMessagesCarryLiveStatus() {
        String ns = "st" + UUID.randomUUID().toString().substring(0, 8);
        String q = ns + ".jobs";
        JsonArray items = new JsonArray();
        for (int i = 0; i < 4; i++) {
            items.add(new JsonObject().put("queue", q).put("partition", "p" + (i % 2)).put("payload", i));
        }
        assertEquals(201, http.post("/api/v1/push", new JsonObject().put("items", items)).status());
        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "/partition/p0?batch=1");
        JsonObject first = popped.json().getJsonArray("messages").getJsonObject(0);
        QueueClient.ackAll(http, new JsonArray().add(first), null);
        // p1: one message leased, not acknowledged
        assertEquals(200, http.get("/api/v1/pop/queue/" + q + "/partition/p1?batch=1").status());

        Http.Response list = http.get("/api/v1/status/queues?namespace=" + ns);
        assertEquals(200, list.status(), list.body());
        JsonArray queues = list.json().getJsonArray("queues");
        assertEquals(1, queues.size(), list.body());
        JsonObject entry = queues.getJsonObject(0);
        assertEquals(q, entry.getString("name"));
        assertEquals(2, entry.getInteger("partitions"));
        assertEquals(4, entry.getJsonObject("messages").getInteger("total"));
        assertEquals(1, entry.getJsonObject("messages").getInteger("processing"));
        assertEquals(2, entry.getJsonObject("messages").getInteger("pending"));
        assertEquals(new JsonObject().put("limit", 100).put("offset", 0), list.json().getJsonObject("pagination"));
        assertEquals(0, http.get("/api/v1/status/queues?namespace=" + ns + "&offset=1").json()
                .getJsonArray("queues").size());

        Http.Response messages = http.get("/api/v1/status/queues/" + q + "/messages");
        assertEquals(200, messages.status(), messages.body());
        JsonArray rows = messages.array();
        assertEquals(4, rows.size(), messages.body());
        long completed = rows.stream().map(o -> (JsonObject) o)
                .filter(m -> "completed".equals(m.getString("status"))).count();
        long processing = rows.stream().map(o -> (JsonObject) o)
                .filter(m -> "processing".equals(m.getString("status"))).count();
        assertEquals(1, completed, messages.body());
        assertEquals(1, processing, messages.body());
        assertTrue(rows.getJsonObject(0).getString("queuePath").startsWith(q + "/p"));
        assertEquals(2, http.get("/api/v1/status/queues/" + q + "/messages?limit=2").array().size());

        Http.Response detail = http.get("/api/v1/status/queues/" + q);
        assertEquals(200, detail.status(), detail.body());
        JsonObject d = detail.json();
        assertEquals(q, d.getJsonObject("queue").getString("name"));
        assertEquals(300, d.getJsonObject("queue").getJsonObject("config").getInteger("leaseTime"));
        JsonArray parts = d.getJsonArray("partitions");
        assertEquals(2, parts.size(), detail.body());
        JsonObject p0 = parts.stream().map(o -> (JsonObject) o).filter(p -> "p0".equals(p.getString("name")))
                .findFirst().orElseThrow();
        assertEquals(new JsonObject().put("total", 2).put("pending", 1).put("processing", 0).put("completed", 1)
                .put("failed", 0).put("deadLetter", 0), p0.getJsonObject("messages"));
        assertEquals(1, p0.getJsonObject("cursor").getInteger("totalConsumed"));
        JsonObject totals = d.getJsonObject("totals");
        assertEquals(4, totals.getInteger("total"));
        assertEquals(2, totals.getInteger("pending"));
        assertEquals(1, totals.getInteger("processing"));
        assertEquals(1, totals.getInteger("completed"));
        assertEquals(404, http.get("/api/v1/status/queues/nope-" + UUID.randomUUID()).status());

        assertEquals(404, http.get("/api/v1/status/queues/nope-" + UUID.randomUUID() + "/messages").status());
        assertEquals(400, http.get("/api/v1/status/queues?limit=lots").status());
    }

    @Test
    void bufferStatusReportsTheFileBuffer() {
        Http.Response r = http.get("/api/v1/status/buffers");
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals(0, body.getInteger("pending"));
        assertEquals(0, body.getInteger("failed"));
        assertEquals(true, body.getBoolean("dbHealthy"));
        assertTrue(body.getInteger("worker") >= 0);
    }

    /**
     * A window over centuries used to build millions of buckets (the server ran out of heap),
     * and a bound outside PostgreSQL's range became infinity (a bucket series without end, the
     * request waiting for the statement timeout). Both are 400s now; long real windows work.
     */
    @Test
    void timeSeriesWindowsAreBounded() {
        String[] routes = {"/api/v1/status", "/api/v1/analytics/retention", "/api/v1/analytics/worker-metrics",
                "/api/v1/analytics/queue-ops", "/api/v1/status/analytics"};
        for (String route : routes) {
            Http.Response ancient = http.get(route + "?from=0001-01-01T00:00:00Z");
            assertEquals(400, ancient.status(), route + " " + ancient.body());
            assertTrue(ancient.json().getString("error").contains("Window too long"), ancient.body());
            Http.Response beyond = http.get(route + "?from=%2B300000-01-01T00:00:00Z&to=%2B300000-01-01T01:00:00Z");
            assertEquals(400, beyond.status(), route + " " + beyond.body());
            Http.Response before = http.get(route + "?from=-300000-01-01T00:00:00Z&to=-300000-01-01T01:00:00Z");
            assertEquals(400, before.status(), route + " " + before.body());
        }
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        Http.Response years = http.get("/api/v1/status?from=" + now.minusYears(5) + "&to=" + now);
        assertEquals(200, years.status(), years.body());
        assertEquals(360, years.json().getInteger("bucketMinutes"));
    }
}
