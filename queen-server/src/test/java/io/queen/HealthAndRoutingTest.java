package io.queen;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthAndRoutingTest {
    private final TestServer server = TestServer.shared();
    private final Http http = server.http;
    private final HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Origin", "http://example.org")
                .method(method, publisher)
                .build();
        return raw.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReportsHealthyWithAllDocumentedFields() {
        Http.Response r = http.get("/health");
        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertEquals("healthy", body.getString("status"));
        assertEquals("connected", body.getString("database"));
        assertInstanceOf(String.class, body.getValue("server"));
        assertFalse(body.getString("server").isEmpty());
        assertInstanceOf(Integer.class, body.getValue("worker_id"), r.body());
        assertInstanceOf(String.class, body.getValue("version"));
        assertEquals(new JsonObject().put("enabled", false), body.getJsonObject("shared_state"));
        JsonObject queen = body.getJsonObject("queen");
        assertNotNull(queen, r.body());
        assertEquals(body.getInteger("worker_id"), queen.getInteger("worker_id"));
        assertEquals("active", queen.getString("status"));
    }

    @Test
    void healthResponseIsJsonWithCorsHeaders() throws Exception {
        HttpResponse<String> r = send("GET", "/health", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                r.headers().toString());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        String methods = r.headers().firstValue("Access-Control-Allow-Methods").orElse("");
        for (String m : new String[] {"GET", "POST", "PUT", "DELETE", "OPTIONS"}) {
            assertTrue(methods.contains(m), methods);
        }
        String headers = r.headers().firstValue("Access-Control-Allow-Headers").orElse("");
        assertTrue(headers.contains("Content-Type") && headers.contains("Authorization"), headers);
    }

    @Test
    void unknownApiRouteIs404WithJsonError() throws Exception {
        Http.Response r = http.get("/api/v1/does-not-exist/" + QueueClient.uniqueQueue());
        assertEquals(404, r.status(), r.body());
        assertInstanceOf(String.class, r.json().getValue("error"), r.body());

        HttpResponse<String> post = send("POST", "/api/v1/nothing-here", "{}");
        assertEquals(404, post.statusCode(), post.body());
        assertInstanceOf(String.class, new JsonObject(post.body()).getValue("error"));
        assertTrue(post.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void optionsOnAnyPathIs204WithCorsHeadersAndNoBody() throws Exception {
        for (String path : new String[] {"/api/v1/push", "/api/v1/pop/queue/x", "/health",
                "/some/unknown/path", "/api/v1/consumer-groups/g/queues/q/seek"}) {
            HttpResponse<String> r = send("OPTIONS", path, null);
            assertEquals(204, r.statusCode(), path + " -> " + r.body());
            assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), path);
            assertTrue(r.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"), path);
            assertTrue(r.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Content-Type"),
                    path);
            assertEquals("", r.body(), path);
        }
    }

    @Test
    void errorResponsesAlsoCarryCorsHeaders() throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/configure", "{}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("queue is required", new JsonObject(r.body()).getString("error"));
    }

    @Test
    void emptyAndInvalidJsonBodiesAre400() {
        Http.Response empty = http.post("/api/v1/configure", "");
        assertEquals(400, empty.status(), empty.body());
        assertEquals("Empty request body", empty.json().getString("error"));

        Http.Response invalid = http.post("/api/v1/configure", "{not json");
        assertEquals(400, invalid.status(), invalid.body());
        assertTrue(invalid.json().getString("error").startsWith("Invalid JSON"), invalid.body());
    }
}
