package io.queen;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS_ALLOWED_ORIGINS: only the listed origins get CORS headers (the default, "*", is in HealthAndRoutingTest). */
class CorsOriginsTest {
    private static ServerOnOwnDatabase own;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-cors", "CORS_ALLOWED_ORIGINS",
                "https://app.example.com, http://localhost:3000");
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void aListedOriginIsEchoedOthersGetNoCorsHeaders() throws Exception {
        HttpResponse<String> listed = send("GET", "/health", "https://app.example.com");
        assertEquals(200, listed.statusCode());
        assertEquals(Optional.of("https://app.example.com"), listed.headers().firstValue("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("Origin"), listed.headers().firstValue("Vary"));
        assertTrue(listed.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));

        HttpResponse<String> other = send("GET", "/health", "https://evil.example.com");
        assertEquals(200, other.statusCode(), "the request is served; the browser is not allowed to read it");
        assertEquals(Optional.empty(), other.headers().firstValue("Access-Control-Allow-Origin"));
        assertEquals(Optional.empty(), send("GET", "/health", null).headers().firstValue("Access-Control-Allow-Origin"));
    }

    @Test
    void preflightOfAListedOriginIs204WithTheHeaders() throws Exception {
        HttpResponse<String> preflight = send("OPTIONS", "/api/v1/push", "http://localhost:3000");
        assertEquals(204, preflight.statusCode());
        assertEquals(Optional.of("http://localhost:3000"), preflight.headers().firstValue("Access-Control-Allow-Origin"));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
        HttpResponse<String> refused = send("OPTIONS", "/api/v1/push", "https://evil.example.com");
        assertEquals(Optional.empty(), refused.headers().firstValue("Access-Control-Allow-Origin"));
    }

    private static HttpResponse<String> send(String method, String path, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.server.port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            b.header("Origin", origin);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
