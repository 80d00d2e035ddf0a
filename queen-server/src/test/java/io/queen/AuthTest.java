package io.queen;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * JWT authentication with HS256 (spec 5.2): 401 for every bad token, 403 per route level, open
 * public routes, claim checks with clock skew, and producerSub stamped from the token's sub on
 * plain pushes, transactional pushes and pushes replayed from the file buffer.
 */
class AuthTest {
    private static final String SECRET = "an-hs256-secret-of-at-least-32-bytes!";
    private static TestServer server;
    private static Http anonymous;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestDirs.temp("queen-auth"), Map.of(
                "JWT_ENABLED", "true",
                "JWT_ALGORITHM", "HS256",
                "JWT_SECRET", SECRET,
                "JWT_ISSUER", "queen-test",
                "JWT_AUDIENCE", "queen",
                "JWT_CLOCK_SKEW", "5",
                "FILE_BUFFER_FLUSH_MS", "50"));
        anonymous = server.http;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static JWTClaimsSet.Builder claims(String sub, String role) {
        return Tokens.claims(sub, role).issuer("queen-test").audience("queen");
    }

    private static Http as(String sub, String role) {
        return anonymous.withToken(Tokens.hs256(SECRET, claims(sub, role).build()));
    }

    private static void assertRejected(Http.Response r, int status, String error) {
        assertEquals(status, r.status(), r.body());
        assertEquals(error, r.json().getString("error"), r.body());
    }

    private static String queue() {
        return "auth-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject pushBody(String queue, String payload) {
        return new JsonObject().put("items", new JsonArray().add(new JsonObject().put("queue", queue)
                .put("payload", new JsonObject().put("v", payload)).put("producerSub", "mallory")));
    }

    @Test
    void publicRoutesNeedNoToken() {
        assertEquals(200, anonymous.get("/health").status());
        assertEquals(200, anonymous.get("/metrics").status());
        assertEquals(200, anonymous.get("/metrics/prometheus").status());
    }

    @Test
    void everyBadTokenIsRejectedWith401() {
        String q = queue();
        JsonObject body = pushBody(q, "x");
        assertRejected(anonymous.post("/api/v1/push", body), 401, "Authentication required");
        assertRejected(anonymous.get("/api/v1/resources/queues"), 401, "Authentication required");
        assertRejected(anonymous.withToken("not-a-jwt").get("/api/v1/resources/queues"), 401, "Token decode error: not a JWT");

        JWTClaimsSet good = claims("alice", "admin").build();
        assertRejected(anonymous.withToken(Tokens.hs256("another-secret-that-is-long-enough-32", good))
                .get("/api/v1/resources/queues"), 401, "Invalid token signature");
        assertRejected(anonymous.withToken(Tokens.none(good)).get("/api/v1/resources/queues"), 401,
                "Unsigned or encrypted tokens are not accepted");
        assertRejected(anonymous.withToken(Tokens.rsa(com.nimbusds.jose.JWSAlgorithm.RS256, Tokens.keyPair("RSA"), null, good))
                .get("/api/v1/resources/queues"), 401, "Token uses RS256, expected HS256");

        long now = System.currentTimeMillis();
        String expired = Tokens.hs256(SECRET, claims("alice", "admin").expirationTime(new Date(now - 60_000)).build());
        assertRejected(anonymous.withToken(expired).get("/api/v1/resources/queues"), 401, "Token has expired");
        String notYet = Tokens.hs256(SECRET, claims("alice", "admin").notBeforeTime(new Date(now + 60_000)).build());
        assertRejected(anonymous.withToken(notYet).get("/api/v1/resources/queues"), 401, "Token is not valid yet");
        String otherIssuer = Tokens.hs256(SECRET, claims("alice", "admin").issuer("someone-else").build());
        assertRejected(anonymous.withToken(otherIssuer).get("/api/v1/resources/queues"), 401, "Invalid token issuer");
        String otherAudience = Tokens.hs256(SECRET, claims("alice", "admin").audience("other").build());
        assertRejected(anonymous.withToken(otherAudience).get("/api/v1/resources/queues"), 401, "Invalid token audience");

        // nothing was pushed by any of them
        assertEquals(204, as("alice", "admin").get("/api/v1/pop/queue/" + q + "?wait=false").status());
    }

    @Test
    void hostileAuthorizationHeadersGetA401NeverA5xx() {
        java.util.Random random = new java.util.Random(9);
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String claims = b64.encodeToString(claims("eve", "admin").build().toString().getBytes());
        List<String> values = new java.util.ArrayList<>(List.of(
                "Bearer", "Bearer ", "bearer   ", "Basic dXNlcjpwYXNz", "Bearer ...", "Bearer a.b.c", "Bearer a.b",
                "Bearer " + "x".repeat(6000),
                "Bearer " + b64.encodeToString("{\"alg\":\"HS256\"}".getBytes()) + "." + claims + ".",
                "Bearer " + b64.encodeToString("{\"alg\":\"HS256\"}".getBytes()) + ".bm90IGpzb24." + "c2ln",
                "Bearer " + b64.encodeToString("{\"alg\":\"none\",\"crit\":[\"exp\"]}".getBytes()) + "." + claims + ".",
                "Bearer " + b64.encodeToString("{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:1/k\",\"kid\":\"x\"}".getBytes())
                        + "." + claims + "." + b64.encodeToString(new byte[32]),
                "Bearer " + b64.encodeToString("[]".getBytes()) + "." + claims + ".AAAA",
                "Bearer " + b64.encodeToString("{\"alg\":\"HS256\"}".getBytes()) + "." + b64.encodeToString("[1,2]".getBytes()) + ".AAAA"));
        for (int i = 0; i < 40; i++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            values.add("Bearer " + b64.encodeToString(bytes).replace('A', '.'));
        }
        for (String value : values) {
            Http.Response r = anonymous.withHeader("Authorization", value).post("/api/v1/push", pushBody(queue(), "x"));
            assertEquals(401, r.status(), value + " -> " + r.body());
            assertEquals(true, r.json().getString("error").length() > 0, r.body());
        }
        assertEquals(200, anonymous.get("/health").status());
    }

    @Test
    void clockSkewIsTolerated() {
        long now = System.currentTimeMillis();
        String justExpired = Tokens.hs256(SECRET, claims("alice", "read-only").expirationTime(new Date(now - 2_000)).build());
        assertEquals(200, anonymous.withToken(justExpired).get("/api/v1/resources/queues").status());
        String almostValid = Tokens.hs256(SECRET, claims("alice", "read-only").notBeforeTime(new Date(now + 2_000)).build());
        assertEquals(200, anonymous.withToken(almostValid).get("/api/v1/resources/queues").status());
    }

    @Test
    void eachRouteLevelNeedsItsRole() {
        String q = queue();
        Http readOnly = as("reader", "read-only");
        Http readWrite = as("writer", "read-write");
        Http admin = as("root", "admin");
        Http noRole = as("nobody", null);

        assertEquals(201, readWrite.post("/api/v1/push", pushBody(q, "a")).status());
        assertRejected(readOnly.post("/api/v1/push", pushBody(q, "b")), 403, "Insufficient permissions");
        assertRejected(noRole.get("/api/v1/resources/queues"), 403, "Insufficient permissions");
        assertEquals(200, readOnly.get("/api/v1/resources/queues").status());
        assertEquals(200, readOnly.get("/api/v1/status").status());
        assertRejected(readOnly.get("/api/v1/pop/queue/" + q + "?wait=false"), 403, "Insufficient permissions");

        assertRejected(readWrite.get("/api/v1/system/maintenance"), 403, "Insufficient permissions");
        assertEquals(200, admin.get("/api/v1/system/maintenance").status());
        assertRejected(readWrite.delete("/api/v1/resources/queues/" + q), 403, "Insufficient permissions");
        assertRejected(readOnly.post("/api/v1/stats/refresh", "{}"), 403, "Insufficient permissions");

        // roles from the array claim, and a token sent without the Bearer prefix
        String arrayRoles = Tokens.hs256(SECRET, claims("lister", null).claim("roles", List.of("x", "read-write")).build());
        assertEquals(200, anonymous.withHeader("Authorization", arrayRoles)
                .get("/api/v1/pop/queue/" + q + "?wait=false&autoAck=true").status());

        assertEquals(200, admin.delete("/api/v1/resources/queues/" + q).status());
    }

    @Test
    void producerSubComesFromTheTokenOnEveryPushPath() throws Exception {
        String q = queue();
        Http alice = as("alice", "read-write");
        assertEquals(201, alice.post("/api/v1/push", pushBody(q, "plain")).status());

        JsonObject txn = new JsonObject().put("operations", new JsonArray().add(new JsonObject().put("type", "push")
                .put("items", new JsonArray().add(new JsonObject().put("queue", q).put("producerSub", "mallory")
                        .put("payload", new JsonObject().put("v", "txn"))))));
        Http.Response t = as("carol", "read-write").post("/api/v1/transaction", txn);
        assertEquals(200, t.status(), t.body());

        // a streams cycle's sink push
        Http dave = as("dave", "read-write");
        Http.Response query = dave.post("/streams/v1/queries", StreamsClient.registration("q-" + UUID.randomUUID(),
                "source", q, "h", false));
        assertEquals(200, query.status(), query.body());
        Http.Response cycle = dave.post("/streams/v1/cycle", StreamsClient.cycleBody(query.json().getString("query_id"),
                UUID.randomUUID().toString(), null, new JsonArray(), new JsonArray().add(StreamsClient.sinkItem(q, "Default",
                        new JsonObject().put("v", "cycle")).put("producerSub", "mallory")), null));
        assertEquals(true, cycle.json().getValue("success"), cycle.body());

        // pushed while push maintenance sends everything to the file buffer, replayed later
        Http admin = as("root", "admin");
        assertEquals(200, admin.post("/api/v1/system/maintenance", new JsonObject().put("enabled", true)).status());
        try {
            Http.Response buffered = as("bob", "read-write").post("/api/v1/push", pushBody(q, "buffered"));
            assertEquals(201, buffered.status(), buffered.body());
        } finally {
            assertEquals(200, admin.post("/api/v1/system/maintenance", new JsonObject().put("enabled", false)).status());
        }

        Map<String, String> producers = new java.util.HashMap<>();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (producers.size() < 4 && System.nanoTime() < deadline) {
            Http.Response r = alice.get("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true&wait=true&timeout=1000");
            if (r.status() == 200) {
                for (Object o : r.json().getJsonArray("messages")) {
                    JsonObject m = (JsonObject) o;
                    producers.put(m.getJsonObject("data").getString("v"), m.getString("producerSub"));
                }
            }
        }
        assertEquals(Map.of("plain", "alice", "txn", "carol", "buffered", "bob", "cycle", "dave"), producers);

        // the message list shows it too
        Http.Response list = admin.get("/api/v1/messages?queue=" + q);
        assertEquals(200, list.status(), list.body());
        for (Object o : list.json().getJsonArray("messages")) {
            JsonObject m = (JsonObject) o;
            assertEquals(List.of("alice", "carol", "bob", "dave").contains(m.getString("producerSub")), true, m.encode());
        }
    }

    @Test
    void aTokenWithoutSubjectStampsNothing() {
        String q = queue();
        JWTClaimsSet noSub = new JWTClaimsSet.Builder().issuer("queen-test").audience("queen").claim("role", "admin")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
        Http client = anonymous.withToken(Tokens.hs256(SECRET, noSub));
        assertEquals(201, client.post("/api/v1/push", pushBody(q, "anon")).status());
        JsonObject popped = client.get("/api/v1/pop/queue/" + q + "?autoAck=true&wait=false").json();
        assertNull(popped.getJsonArray("messages").getJsonObject(0).getString("producerSub"));
    }
}
