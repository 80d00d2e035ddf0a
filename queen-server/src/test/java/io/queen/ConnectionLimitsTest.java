package io.queen;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections cannot pin memory: a cap on open connections, and a connection that sends no
 * headers, trickles its body or idles after a response is closed; a parked long-poll is not.
 */
class ConnectionLimitsTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestDirs.temp("queen-conns"), Map.of(
                "QUEEN_MAX_CONNECTIONS", "40",
                "QUEEN_HTTP_HEADER_TIMEOUT_MS", "600",
                "QUEEN_HTTP_IDLE_TIMEOUT_MS", "1000",
                "QUEEN_HTTP_BODY_TIMEOUT_MS", "600"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port);
        s.setSoTimeout(5000);
        return s;
    }

    /** Milliseconds until the server closes the socket (reads and drops whatever comes first). */
    private static long msUntilClosed(Socket s) throws IOException {
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer may come first; the close is what counts
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            // reset: closed too
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void connectionsOverTheCapAreClosedAndIdleOnesGoAway() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 80; i++) {
                sockets.add(connect());
            }
            // over the cap: closed at once; all of them: closed by the header timeout
            int closedSoon = 0;
            for (Socket s : sockets) {
                long ms = msUntilClosed(s);
                assertTrue(ms >= 0, "a connection without a request stayed open");
                if (ms < 300) {
                    closedSoon++;
                }
            }
            assertTrue(closedSoon >= 38, "connections over the cap of 40 closed at once: " + closedSoon);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertEquals(200, server.http.get("/health").status());
    }

    @Test
    void slowHeadersSlowBodiesAndIdleKeepAliveAreClosed() throws Exception {
        try (Socket slowHeaders = connect()) {
            slowHeaders.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long ms = msUntilClosed(slowHeaders);
            assertTrue(ms >= 0 && ms < 3000, "incomplete headers closed after " + ms + " ms");
        }
        try (Socket slowBody = connect()) {
            OutputStream out = slowBody.getOutputStream();
            out.write(("POST /api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"items\":").getBytes(StandardCharsets.US_ASCII));
            long ms = msUntilClosed(slowBody);
            assertTrue(ms >= 0 && ms < 3000, "a body that never completes closed after " + ms + " ms");
        }
        try (Socket keepAlive = connect()) {
            keepAlive.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long ms = msUntilClosed(keepAlive);
            assertTrue(ms >= 800 && ms < 4000, "an idle kept-alive connection closed after " + ms + " ms");
        }
    }

    @Test
    void aParkedLongPollOutlivesEveryTimeout() throws Exception {
        long start = System.nanoTime();
        Http.Response r = server.http.get("/api/v1/pop/queue/conn-" + System.nanoTime() + "?wait=true&timeout=2500");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(204, r.status(), r.body());
        assertTrue(ms >= 2400, "the long-poll waited " + ms + " ms");
    }
}
