package io.queen;

import io.queen.config.ConfigException;
import io.queen.config.QueenConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request bodies share a memory budget: a body that can never fit is refused from its
 * Content-Length before it is read (413), one that does not fit now gets 503 with Retry-After,
 * and the budget comes back when requests end.
 */
class BodyBudgetTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestDirs.temp("queen-bodies"), Map.of(
                "QUEEN_BODY_MEMORY_BYTES", "3000000",
                "QUEEN_MAX_BODY_BYTES", "1000000",
                "QUEEN_HTTP_BODY_TIMEOUT_MS", "20000"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Sends only the headers of a push declaring {@code length} bytes; the body never comes. */
    private static Socket startPush(long length) throws Exception {
        Socket s = new Socket("127.0.0.1", server.port);
        s.setSoTimeout(5000);
        s.getOutputStream().write(("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + length + "\r\n\r\n{\"items\":[").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static String statusLine(Socket s) throws Exception {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    private static boolean answered(Socket s) throws Exception {
        s.setSoTimeout(500);
        try {
            return s.getInputStream().read() >= 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } finally {
            s.setSoTimeout(5000);
        }
    }

    @Test
    void bodiesThatCannotOrDoNotFitAreRefusedBeforeTheyAreRead() throws Exception {
        try (Socket tooBig = startPush(1_500_000)) {
            assertEquals("HTTP/1.1 413 Request Entity Too Large", statusLine(tooBig));
        }
        List<Socket> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                waiting.add(startPush(900_000));
            }
            Thread.sleep(300);
            for (Socket s : waiting) {
                assertTrue(!answered(s), "a body that fits waits to be read");
            }
            try (Socket fourth = startPush(900_000)) {
                assertEquals("HTTP/1.1 503 Service Unavailable", statusLine(fourth));
            }
            // small requests still fit beside them
            assertEquals(200, server.http.get("/health").status());
        } finally {
            for (Socket s : waiting) {
                s.close();
            }
        }
        // the reservations end with their requests
        String big = "x".repeat(880_000);
        JsonObject body = new JsonObject().put("items", new JsonArray().add(new JsonObject().put("queue", "bodies")
                .put("payload", new JsonObject().put("s", big))));
        long deadline = System.currentTimeMillis() + 5000;
        int status;
        do {
            status = server.http.post("/api/v1/push", body).status();
        } while (status == 503 && System.currentTimeMillis() < deadline);
        assertEquals(201, status);
        for (int i = 0; i < 3; i++) {
            assertEquals(201, server.http.post("/api/v1/push", body).status());
        }
    }

    @Test
    void aBodyLimitAboveTheBudgetStopsTheStart() {
        ConfigException e = assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of(
                "QUEEN_BODY_MEMORY_BYTES", "1000000", "QUEEN_MAX_BODY_BYTES", "2000000")));
        assertTrue(e.getMessage().startsWith("QUEEN_MAX_BODY_BYTES"), e.getMessage());
    }
}
