package io.queen.dashboard;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.queen.Http;
import io.queen.TestDirs;
import io.queen.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's static serving (spec 3.18) and the listing parameters its pages rely on, over plain HTTP. */
class DashboardHttpTest {
    private static final String NO_CACHE = "no-cache, no-store, must-revalidate";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final TestServer server = TestServer.shared();

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The content-hash folder index.html names its assets under. */
    private String assets() throws Exception {
        Matcher m = Pattern.compile("/assets/([0-9a-f]{12})/app\\.js").matcher(text(get("/")));
        assertTrue(m.find(), "index.html names app.js under a hashed folder");
        return "/assets/" + m.group(1);
    }

    @Test
    void rootServesIndexWithoutCaching() throws Exception {
        HttpResponse<byte[]> r = get("/");
        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", header(r, "content-type"));
        assertEquals(NO_CACHE, header(r, "cache-control"));
        assertTrue(text(r).contains("<main id=\"main\">"), text(r));
        assertFalse(text(r).contains("@ASSETS@"), "the placeholder is replaced");
        assertEquals(text(r), text(get("/index.html")));
        assertEquals(NO_CACHE, header(get("/index.html"), "cache-control"));
    }

    @Test
    void assetsAreImmutableWithTheirMimeTypes() throws Exception {
        String base = assets();
        for (Map.Entry<String, String> e : Map.of(
                "/app.js", "text/javascript; charset=utf-8",
                "/pages/overview.js", "text/javascript; charset=utf-8",
                "/app.css", "text/css; charset=utf-8",
                "/vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8",
                "/vendor/uPlot.min.css", "text/css; charset=utf-8").entrySet()) {
            HttpResponse<byte[]> r = get(base + e.getKey());
            assertEquals(200, r.statusCode(), e.getKey());
            assertEquals(e.getValue(), header(r, "content-type"), e.getKey());
            assertEquals(IMMUTABLE, header(r, "cache-control"), e.getKey());
            assertEquals("nosniff", header(r, "x-content-type-options"));
        }
        HttpResponse<byte[]> icon = get("/favicon.svg");
        assertEquals("image/svg+xml", header(icon, "content-type"));
        assertEquals("public, max-age=3600", header(icon, "cache-control"));
    }

    @Test
    void gzipWhenAskedFor() throws Exception {
        String base = assets();
        HttpResponse<byte[]> plain = get(base + "/vendor/uPlot.iife.min.js");
        HttpResponse<byte[]> zipped = get(base + "/vendor/uPlot.iife.min.js", "Accept-Encoding", "gzip");
        assertEquals("gzip", header(zipped, "content-encoding"));
        assertTrue(zipped.body().length < plain.body().length / 2);
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
            assertEquals(new String(plain.body(), StandardCharsets.UTF_8),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void unknownPathsFallBackToIndexButNotTheApi() throws Exception {
        for (String path : List.of("/queues", "/queues/orders", "/assets/nope.js", "/some/deep/route?x=1")) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("text/html; charset=utf-8", header(r, "content-type"), path);
            assertEquals(NO_CACHE, header(r, "cache-control"), path);
        }
        HttpResponse<byte[]> api = get("/api/v1/no-such-route");
        assertEquals(404, api.statusCode());
        assertTrue(header(api, "content-type").startsWith("application/json"), header(api, "content-type"));
        assertEquals(404, get("/api/nothing").statusCode());
        assertEquals(404, get("/ws/anything").statusCode());
        assertEquals(200, get("/health").statusCode());
        assertTrue(text(get("/health")).startsWith("{"));
        assertTrue(text(get("/metrics")).startsWith("{"));
        assertEquals(404, get("/metricsx").statusCode(), "not the dashboard's either");
        HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port
                + "/queues")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, post.statusCode(), "only GET and HEAD are the dashboard's: " + post.body());
    }

    @Test
    void pathTraversalIsForbidden() throws Exception {
        for (String path : List.of("/assets/../../etc/passwd", "/..%2f..%2fetc/passwd", "/%2e%2e/pom.xml",
                "/assets/..%5c..%5cwebapp/index.html")) {
            assertEquals(403, rawStatus(path), path);
        }
    }

    /** Sends the path byte for byte (clients normalise dot segments away). */
    private int rawStatus(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void accessWithoutAuthenticationIsAdmin() {
        JsonObject me = server.http.get("/api/v1/access").json();
        assertEquals(false, me.getBoolean("authentication"));
        assertEquals("ADMIN", me.getString("level"));
    }

    @Test
    void queueListingsSearchSortAndPage() {
        String tag = "dash" + UUID.randomUUID().toString().substring(0, 8);
        for (String q : List.of(tag + "-b", tag + "-a", tag + "-c")) {
            Http.Response r = server.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                    .add(new JsonObject().put("queue", q).put("payload", new JsonObject().put("n", 1)))));
            assertEquals(201, r.status(), r.body());
        }
        JsonObject page = server.http.get("/api/v1/status/queues?search=" + tag.toUpperCase()
                + "&sort=-name&limit=2&offset=0").json();
        assertEquals(3, page.getInteger("total"));
        assertEquals(List.of(tag + "-c", tag + "-b"), names(page));
        JsonObject next = server.http.get("/api/v1/status/queues?search=" + tag + "&sort=name&limit=2&offset=2").json();
        assertEquals(List.of(tag + "-c"), names(next));

        JsonObject resources = server.http.get("/api/v1/resources/queues?search=" + tag + "&sort=name&limit=1&offset=1")
                .json();
        assertEquals(List.of(tag + "-b"), names(resources));
        assertEquals(3, resources.getInteger("total"));
        assertEquals(1, resources.getJsonObject("pagination").getInteger("limit"));

        JsonObject whole = server.http.get("/api/v1/resources/queues").json();
        assertFalse(whole.containsKey("pagination"), "without parameters the answer is as before");
        assertFalse(whole.containsKey("total"));
        assertTrue(names(whole).containsAll(List.of(tag + "-a", tag + "-b", tag + "-c")));

        Http.Response bad = server.http.get("/api/v1/status/queues?sort=colour");
        assertEquals(400, bad.status(), bad.body());
    }

    @Test
    void consumerGroupListingFiltersAndPages() {
        String q = "dashcg" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(201, server.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", q).put("payload", 1)))).status());
        for (String g : List.of(q + "-g1", q + "-g2", q + "-g3")) {
            Http.Response pop = server.http.get("/api/v1/pop/queue/" + q + "?consumerGroup=" + g
                    + "&subscriptionMode=all&autoAck=true");
            assertEquals(200, pop.status(), pop.body());
        }
        assertEquals(3, server.http.get("/api/v1/consumer-groups?queue=" + q).array().size());
        JsonArray page = server.http.get("/api/v1/consumer-groups?search=" + q.toUpperCase() + "-G&limit=2&offset=1")
                .array();
        assertEquals(2, page.size(), page.encode());
        assertTrue(page.stream().allMatch(g -> ((JsonObject) g).getString("queueName").equals(q)));
        assertEquals(0, server.http.get("/api/v1/consumer-groups?queue=" + q + "-none").array().size());
        assertTrue(server.http.get("/api/v1/consumer-groups").array().size() >= 3, "unchanged without parameters");
    }

    @Test
    void queueListingSortsByCountsAndPagesEmptyPages() {
        String tag = "dashsort" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Integer> pending = Map.of(tag + "-a", 3, tag + "-b", 1, tag + "-c", 2);
        pending.forEach((q, n) -> push(q, "Default", n));
        // sorting by a count uses the statistics job's per-queue sums
        assertEquals(200, server.http.post("/api/v1/stats/refresh", (String) null).status());
        JsonObject page = server.http.get("/api/v1/status/queues?search=" + tag + "&sort=-pending&limit=10").json();
        assertEquals(List.of(tag + "-a", tag + "-c", tag + "-b"), names(page));
        assertEquals(List.of(3L, 2L, 1L), page.getJsonArray("queues").stream()
                .map(q -> ((JsonObject) q).getJsonObject("messages").getLong("pending")).toList(), "live counts");
        JsonObject ascending = server.http.get("/api/v1/resources/queues?search=" + tag + "&sort=total").json();
        assertEquals(List.of(tag + "-b", tag + "-c", tag + "-a"), names(ascending));

        JsonObject beyond = server.http.get("/api/v1/status/queues?search=" + tag + "&limit=10&offset=10").json();
        assertEquals(List.of(), names(beyond));
        assertEquals(3, beyond.getInteger("total"), "an empty page still says how many match");
        JsonObject none = server.http.get("/api/v1/status/queues?search=" + tag + "-none").json();
        assertEquals(0, none.getInteger("total"));
    }

    @Test
    void queueStatusPagesAndSearchesPartitionsWithTotalsOverAll() {
        String q = "dashparts" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            push(q, "p" + i, i + 1);
        }
        push(q, "other", 4);
        JsonObject page = server.http.get("/api/v1/status/queues/" + q + "?search=P&limit=2&offset=2").json();
        assertEquals(List.of("p2", "p3"), page.getJsonArray("partitions").stream()
                .map(p -> ((JsonObject) p).getString("name")).toList(), "creation order");
        assertEquals(5, page.getInteger("partitionsTotal"));
        assertEquals(3, page.getJsonArray("partitions").getJsonObject(0).getJsonObject("messages").getInteger("pending"));
        assertEquals(19, page.getJsonObject("totals").getInteger("total"), "totals cover every partition");

        JsonObject whole = server.http.get("/api/v1/status/queues/" + q).json();
        assertEquals(6, whole.getJsonArray("partitions").size(), "without parameters every partition, as before");
        assertFalse(whole.containsKey("pagination"));
        JsonObject empty = server.http.get("/api/v1/status/queues/" + q + "?search=zzz").json();
        assertEquals(0, empty.getJsonArray("partitions").size());
        assertEquals(0, empty.getInteger("partitionsTotal"));
        assertEquals(19, empty.getJsonObject("totals").getInteger("total"));
        assertEquals(404, server.http.get("/api/v1/status/queues/" + q + "-none?limit=5").status());
    }

    @Test
    void clearDeletesEveryMessageAndKeepsQueueGroupsAndSettings() {
        String q = "dashclear" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(200, server.http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("retryLimit", 7))).status());
        push(q, "a", 3);
        push(q, "b", 2);
        Http.Response popped = server.http.get("/api/v1/pop/queue/" + q + "?consumerGroup=g&batch=1&autoAck=true");
        assertEquals(200, popped.status(), popped.body());

        Http.Response cleared = server.http.delete("/api/v1/queues/" + q + "/clear");
        assertEquals(200, cleared.status(), cleared.body());
        assertEquals(5, cleared.json().getInteger("deleted"));
        JsonObject status = server.http.get("/api/v1/status/queues/" + q).json();
        assertEquals(0, status.getJsonObject("totals").getInteger("total"));
        assertEquals(7, status.getJsonObject("queue").getJsonObject("config").getInteger("retryLimit"));
        assertEquals(3, status.getJsonArray("partitions").size(), "partitions stay (configure made Default)");
        assertEquals(204, server.http.get("/api/v1/pop/queue/" + q + "?batch=10").status(), "nothing left to pop");
        assertEquals(1, server.http.get("/api/v1/consumer-groups?queue=" + q).array().size(), "the group stays");

        push(q, "a", 1);
        Http.Response again = server.http.get("/api/v1/pop/queue/" + q + "?consumerGroup=g&batch=10&autoAck=true");
        assertEquals(200, again.status(), "the group reads what comes after the clear: " + again.body());
        assertEquals(1, again.json().getJsonArray("messages").size());
        assertEquals(200, server.http.get("/api/v1/pop/queue/" + q + "?batch=10").status());

        Http.Response unknown = server.http.delete("/api/v1/queues/" + q + "-none/clear");
        assertEquals(404, unknown.status(), unknown.body());
        assertEquals("Queue not found", unknown.json().getString("error"));
    }

    private void push(String queue, String partition, int messages) {
        JsonArray items = new JsonArray();
        for (int i = 0; i < messages; i++) {
            items.add(new JsonObject().put("queue", queue).put("partition", partition).put("payload", new JsonObject().put("n", i)));
        }
        Http.Response r = server.http.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
    }

    private static List<String> names(JsonObject listing) {
        return listing.getJsonArray("queues").stream().map(q -> ((JsonObject) q).getString("name")).toList();
    }

    @Test
    void withAuthenticationTheFilesArePublicAndTheApiIsNot() throws Exception {
        String secret = "dashboard-test-secret-long-enough-32";
        TestServer own = TestServer.start(TestDirs.temp("queen-dash-auth"), Map.of("JWT_ENABLED", "true",
                "JWT_ALGORITHM", "HS256", "JWT_SECRET", secret));
        try {
            assertEquals(200, own.http.get("/").status());
            assertEquals(200, own.http.get("/queues/x").status());
            JsonObject anonymous = own.http.get("/api/v1/access").json();
            assertEquals(true, anonymous.getBoolean("authentication"));
            assertEquals(null, anonymous.getString("level"));
            assertEquals("Authentication required", anonymous.getString("error"));
            assertEquals(null, own.http.withToken("not-a-token").get("/api/v1/access").json().getString("level"));
            assertEquals(null, own.http.withToken(token(secret, "x", null)).get("/api/v1/access").json()
                    .getString("level"), "a token without a role");
            assertEquals(401, own.http.get("/api/v1/no-such-route").status(), "unknown API paths stay closed");
            JsonObject reader = own.http.withToken(token(secret, "ops", "read-only")).get("/api/v1/access").json();
            assertEquals("READ_ONLY", reader.getString("level"));
            assertEquals(true, reader.getBoolean("authentication"));
            assertEquals("ops", reader.getString("subject"));
            assertEquals("READ_WRITE", own.http.withToken(token(secret, "w", "read-write")).get("/api/v1/access")
                    .json().getString("level"));
            assertEquals("ADMIN", own.http.withToken(token(secret, "a", "admin")).get("/api/v1/access")
                    .json().getString("level"));
            assertEquals(403, own.http.withToken(token(secret, "w", "read-write")).delete("/api/v1/queues/x/clear")
                    .status(), "clearing a queue is for admins, like deleting it");
            assertEquals(404, own.http.withToken(token(secret, "a", "admin")).delete("/api/v1/queues/x/clear")
                    .status());
        } finally {
            own.stop();
        }
    }

    static String token(String secret, String subject, String role) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).claim("role", role) // null: no claim
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
