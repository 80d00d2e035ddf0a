package io.queen.dashboard;

import io.queen.Http;
import io.queen.TestDirs;
import io.queen.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard end to end in headless Chromium, on a server of its own (maintenance is global):
 * every page loads without console errors, and the operator's actions do what they say.
 * Each test leaves a screenshot in target/screenshots/.
 */
class DashboardBrowserTest {
    private static TestServer server;
    private static Http http;
    private static Browser browser;
    private String shot;

    @BeforeAll
    static void start() throws Exception {
        String base;
        server = TestServer.start(TestDirs.temp("queen-dash"), Map.of("QUEEN_METRICS_FLUSH_MS", "500",
                "FILE_BUFFER_FLUSH_MS", "50", "STATS_INTERVAL_MS", "500"));
        http = server.http;
        base = "http://127.0.0.1:" + server.port;
        browser = Browser.open(base);
    }

    @AfterAll
    static void stop() {
        Browser.stop(browser, server);
    }

    @BeforeEach
    void name(TestInfo info) {
        shot = info.getTestMethod().orElseThrow().getName();
        browser.consoleErrors(); // drop what an earlier test left
    }

    @AfterEach
    void noConsoleErrors() throws Exception {
        browser.screenshot(shot);
        assertEquals(List.of(), browser.consoleErrors(), "the browser console has errors");
    }

    private static String queue() {
        return "dash-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void push(String queue, String partition, String... ids) {
        JsonArray items = new JsonArray();
        for (String id : ids) {
            items.add(new JsonObject().put("queue", queue).put("partition", partition).put("transactionId", id)
                    .put("payload", new JsonObject().put("order", id).put("lines", new JsonArray().add(1).add(2))));
        }
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
    }

    /** Pops up to `batch` for the group (null: queue mode) and acks them; returns their transaction ids. */
    private static List<String> popAndAck(String queue, String group, int batch) {
        Http.Response r = http.get("/api/v1/pop/queue/" + queue + "?batch=" + batch
                + (group == null ? "" : "&consumerGroup=" + group + "&subscriptionMode=all"));
        List<String> ids = new ArrayList<>();
        if (r.status() == 204) {
            return ids;
        }
        assertEquals(200, r.status(), r.body());
        JsonArray acks = new JsonArray();
        for (Object o : r.json().getJsonArray("messages")) {
            JsonObject m = (JsonObject) o;
            ids.add(m.getString("transactionId"));
            acks.add(new JsonObject().put("transactionId", m.getString("transactionId"))
                    .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                    .put("status", "completed"));
        }
        JsonObject body = new JsonObject().put("acknowledgments", acks);
        if (group != null) {
            body.put("consumerGroup", group);
        }
        assertEquals(200, http.post("/api/v1/ack/batch", body).status());
        return ids;
    }

    @Test
    void everyPageLoadsWithoutConsoleErrors() throws Exception {
        String q = queue();
        push(q, "p1", "a1", "a2");
        List<String> popped = popAndAck(q, "readers", 1);
        JsonObject listed = http.get("/api/v1/messages?queue=" + q).json().getJsonArray("messages").getJsonObject(0);
        // a streams query with a window open on the queue's partition
        String query = q + "-totals";
        String queryId = http.post("/streams/v1/queries", new JsonObject().put("name", query).put("source_queue", q)
                .put("config_hash", "h")).json().getString("query_id");
        assertEquals(true, http.post("/streams/v1/cycle", new JsonObject().put("query_id", queryId)
                .put("partition_id", listed.getString("partitionId")).put("state_ops", new JsonArray()
                        .add(new JsonObject().put("type", "upsert").put("key", "w1").put("value", 3))))
                .json().getValue("success"));
        String[][] pages = {
                {"#/", "overview"}, {"#/queues", "queues"}, {"#/queues/" + q, "queue"}, {"#/groups", "groups"},
                {"#/groups/readers", "group"}, {"#/messages?queue=" + q, "messages"},
                {"#/messages/" + listed.getString("partitionId") + "/" + listed.getString("transactionId"), "message"},
                {"#/streams", "streams"}, {"#/streams/" + query, "stream"}, {"#/dlq", "dlq"}, {"#/system", "system"}};
        for (String[] page : pages) {
            browser.page(page[0], page[1]);
            assertEquals(List.of(), browser.consoleErrors(), page[0]);
        }
        assertEquals(1, popped.size());
        browser.page("#/streams", "streams");
        assertTrue(browser.text(By.id("streams")).contains(query), browser.text(By.id("streams")));
        browser.page("#/streams/" + query, "stream");
        assertTrue(browser.text(By.id("stream-partitions")).contains("p1"), browser.text(By.id("stream-partitions")));
        browser.page("#/queues?search=" + q, "queues");
        assertTrue(browser.text(By.id("queues")).contains(q));
        // live refresh: a queue made now shows up without a reload
        push(q + "-late", "p1", "l1");
        browser.until(d -> d.findElement(By.id("queues")).getText().contains(q + "-late"));
        browser.page("#/messages?queue=" + q, "messages");
        assertTrue(browser.text(By.id("main")).contains("a2"));
    }

    @Test
    void chartsRenderFromRealTraffic() throws Exception {
        String q = queue();
        for (int i = 0; i < 5; i++) {
            push(q, "p" + i, "c" + i + "-1", "c" + i + "-2", "c" + i + "-3");
        }
        while (!popAndAck(q, null, 10).isEmpty()) {
            // drain
        }
        // the workers write their per-minute metrics every 500 ms here
        long deadline = System.currentTimeMillis() + 20_000;
        while (!hasTraffic() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(hasTraffic(), "the status API shows the traffic");
        browser.page("#/?range=15m", "overview");
        long points = Long.parseLong(browser.until(d -> d.findElement(By.cssSelector(".page[data-points]"))
                .getAttribute("data-points")));
        assertTrue(points > 0, "the overview charted " + points + " points");
        // the backlog and dead-letter levels come from the stats job's snapshots
        long depth = Long.parseLong(browser.until(d -> d.findElement(By.cssSelector(".page[data-depth-points]"))
                .getAttribute("data-depth-points")));
        assertTrue(depth > 0, "the backlog chart has " + depth + " points");
        assertEquals(4L, browser.js("return document.querySelectorAll('.chart canvas').length"));
        Number paint = (Number) browser.js("const p = performance.getEntriesByName('first-contentful-paint')[0];"
                + " return p ? p.startTime : -1;");
        System.out.println("Dashboard first contentful paint: " + paint + " ms");
        assertTrue(paint.doubleValue() >= 0 && paint.doubleValue() < 1000, "first paint " + paint + " ms");
        shot = "overview";
    }

    private static boolean hasTraffic() {
        JsonArray points = http.get("/api/v1/analytics/worker-metrics").json().getJsonArray("timeSeries");
        return points.stream().anyMatch(p -> ((JsonObject) p).getLong("pushMessages", 0L) > 0
                && ((JsonObject) p).getLong("popMessages", 0L) > 0);
    }

    @Test
    void deadLetterIsRetriedThenConsumed() throws Exception {
        String q = queue();
        assertEquals(200, http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("retryLimit", 0))).status());
        push(q, "p", "dead-1");
        Http.Response r = http.get("/api/v1/pop/queue/" + q + "?batch=1");
        JsonObject m = r.json().getJsonArray("messages").getJsonObject(0);
        Http.Response ack = http.post("/api/v1/ack", new JsonObject().put("transactionId", "dead-1")
                .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                .put("status", "failed").put("error", "boom"));
        assertEquals(200, ack.status(), ack.body());

        Http.Response trace = http.post("/api/v1/traces", new JsonObject().put("transactionId", "dead-1")
                .put("partitionId", m.getString("partitionId")).put("eventType", "error")
                .put("data", new JsonObject().put("step", "charge-card")).put("traceNames", "checkout"));
        assertEquals(201, trace.status(), trace.body());
        browser.page("#/dlq?queue=" + q, "dlq");
        assertTrue(browser.text(By.id("main")).contains("boom"));
        // inspect it: the payload is pretty-printed
        browser.click(By.linkText("dead-1"));
        browser.waitReady("message");
        assertTrue(browser.text(By.id("payload")).contains("\"order\": \"dead-1\""), browser.text(By.id("payload")));
        String timeline = browser.text(By.cssSelector(".timeline"));
        assertTrue(timeline.contains("charge-card") && timeline.contains("checkout"), timeline);
        browser.screenshot("message");
        browser.page("#/dlq?queue=" + q, "dlq");
        browser.pauseRefresh();
        browser.click(By.cssSelector("input.pick"));
        browser.click(By.id("retry-selected"));
        browser.confirm();
        browser.until(d -> d.findElement(By.id("main")).getText().contains("No dead letters."));
        assertEquals(List.of("dead-1"), popAndAck(q, null, 10), "the retried message is delivered again");
    }

    @Test
    void deadLettersAreFilteredAndDeletedInBulk() throws Exception {
        String q = queue();
        assertEquals(200, http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("retryLimit", 0))).status());
        push(q, "left", "l1", "l2");
        push(q, "right", "r1");
        for (int i = 0; i < 3; i++) {
            JsonObject m = http.get("/api/v1/pop/queue/" + q + "?batch=1").json().getJsonArray("messages").getJsonObject(0);
            assertEquals(200, http.post("/api/v1/ack", new JsonObject().put("transactionId", m.getString("transactionId"))
                    .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                    .put("status", "failed").put("error", "bad " + m.getString("transactionId"))).status());
        }
        assertEquals(3, http.get("/api/v1/dlq?queue=" + q).json().getInteger("total"));
        String leftPartition = http.get("/api/v1/dlq?queue=" + q + "&partition=left").json().getJsonArray("messages")
                .getJsonObject(0).getString("partitionId");

        // the partition filter is the server's: only "left"'s two dead letters are listed
        browser.page("#/dlq?queue=" + q + "&partition=left", "dlq");
        browser.pauseRefresh();
        assertEquals(2L, browser.js("return document.querySelectorAll('input.pick').length"));
        assertTrue(!browser.text(By.id("main")).contains("bad r1"), browser.text(By.id("main")));
        for (Object pick : (List<?>) browser.js("return [...document.querySelectorAll('input.pick')]")) {
            ((org.openqa.selenium.WebElement) pick).click();
        }
        browser.until(d -> d.findElement(By.id("main")).getText().contains("2 selected"));
        browser.screenshot("dlq-bulk");
        browser.click(By.id("delete-selected"));
        browser.confirm();
        browser.until(d -> d.findElement(By.id("main")).getText().contains("No dead letters."));

        JsonObject left = http.get("/api/v1/dlq?queue=" + q).json();
        assertEquals(1, left.getInteger("total"), left.encode());
        assertEquals("r1", left.getJsonArray("messages").getJsonObject(0).getString("transactionId"));
        assertEquals(404, http.get("/api/v1/messages/" + leftPartition + "/l1").status(), "deleted, not only undead");
    }

    @Test
    void queueIsClearedAfterConfirmation() throws Exception {
        String q = queue();
        push(q, "p1", "c1", "c2");
        push(q, "p2", "c3");
        browser.page("#/queues/" + q, "queue");
        browser.pauseRefresh();
        assertTrue(browser.text(By.id("main")).contains("p2"));
        browser.click(By.id("clear-queue"));
        browser.confirm();
        browser.until(d -> d.findElement(By.id("toast")).getText().contains("done"));
        JsonObject status = http.get("/api/v1/status/queues/" + q).json();
        assertEquals(0, status.getJsonObject("totals").getInteger("total"), status.encode());
        assertEquals(2, status.getJsonArray("partitions").size(), "the queue and its partitions stay");
        assertEquals(List.of(), popAndAck(q, null, 10));
        push(q, "p1", "c4");
        assertEquals(List.of("c4"), popAndAck(q, null, 10), "the queue works after the clear");
    }

    @Test
    void consumerGroupIsSeekedAndReReads() throws Exception {
        String q = queue();
        String g = "g-" + UUID.randomUUID().toString().substring(0, 6);
        push(q, "p", "s1", "s2", "s3");
        assertEquals(List.of("s1", "s2", "s3"), popAndAck(q, g, 10));
        assertEquals(List.of(), popAndAck(q, g, 10));

        browser.page("#/groups/" + g, "group");
        browser.pauseRefresh();
        assertTrue(browser.text(By.id("main")).contains(q));
        browser.js("const i = document.querySelector('.seek-time'); i.value = '2000-01-01T00:00:00';");
        browser.click(By.cssSelector(".seek-time-go"));
        browser.confirm();
        browser.until(d -> d.findElement(By.id("toast")).getText().contains("done"));
        assertEquals(List.of("s1", "s2", "s3"), popAndAck(q, g, 10), "the group reads everything again");

        browser.click(By.cssSelector(".seek-end"));
        browser.confirm();
        push(q, "p", "s4");
        browser.until(d -> d.findElements(By.cssSelector("#toast div")).size() >= 2);
        assertEquals(List.of("s4"), popAndAck(q, g, 10));
    }

    @Test
    void maintenanceIsToggledAndPushesAreBufferedThenReplayed() throws Exception {
        String q = queue();
        browser.page("#/system", "system");
        browser.pauseRefresh();
        browser.click(By.id("push-maintenance"));
        browser.confirm();
        browser.until(d -> d.findElement(By.id("push-maintenance")).isSelected());
        try {
            Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                    .add(new JsonObject().put("queue", q).put("partition", "p").put("transactionId", "b1")
                            .put("payload", "x"))));
            assertEquals("buffered", r.array().getJsonObject(0).getString("status"), r.body());
            // the file buffer counts the write a moment later; live refresh shows it without a reload
            browser.js("document.getElementById('live').checked = true");
            browser.until(d -> d.findElement(By.id("buffered")).getText().contains("Buffered: 1"));
            browser.pauseRefresh();
            browser.screenshot("system-maintenance");
            browser.click(By.id("push-maintenance"));
            browser.confirm();
            browser.until(d -> !d.findElement(By.id("push-maintenance")).isSelected());
        } finally {
            http.post("/api/v1/system/maintenance", new JsonObject().put("enabled", false));
        }
        long deadline = System.currentTimeMillis() + 15_000;
        List<String> got = new ArrayList<>();
        while (got.isEmpty() && System.currentTimeMillis() < deadline) {
            got = popAndAck(q, null, 10);
            Thread.sleep(100);
        }
        assertEquals(List.of("b1"), got, "the buffered push was replayed");
    }
}
