package io.queen.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's retry and header rules against a scripted stand-in server (statuses on demand):
 * what is repeated after a 5xx, what is not, failover order, the bearer token per request.
 */
class RetryPolicyTest {
    private HttpServer stub;
    private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final Queue<String> seen = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", this::answer);
        stub.start();
    }

    @AfterEach
    void stop() {
        stub.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                + ex.getRequestHeaders().getFirst("Authorization"));
        ex.getRequestBody().readAllBytes();
        Integer status = statuses.poll();
        int code = status == null ? 200 : status;
        String path = ex.getRequestURI().getPath();
        String body = code >= 500 ? "{\"error\":\"down\"}"
                : path.equals("/api/v1/push") ? "[{\"index\":0,\"status\":\"queued\",\"message_id\":\"m1\",\"transaction_id\":\"t1\"}]"
                : path.startsWith("/api/v1/ack") ? "[{\"index\":0,\"transactionId\":\"t\",\"success\":true}]"
                : "{}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private String url() {
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    private static Message message() {
        Queen helper = Queen.connect("http://127.0.0.1:1");
        try {
            return new Message(helper.mapper.createObjectNode().put("transactionId", "t").put("partitionId", "p")
                    .put("leaseId", "l"), "q", helper.mapper);
        } finally {
            helper.close();
        }
    }

    @Test
    void pushesAreRepeatedAfterA5xxAcksAreNot() {
        AtomicInteger tokens = new AtomicInteger();
        try (Queen queen = Queen.builder().url(url()).backoff(Duration.ofMillis(10))
                .tokenSupplier(() -> "token-" + tokens.incrementAndGet()).build()) {
            statuses.add(503);
            assertEquals("queued", queen.queue("q").push("x").status());
            assertEquals(2, requests.get(), "the push was sent again");
            List<String> calls = List.copyOf(seen);
            assertEquals("POST /api/v1/push Bearer token-1", calls.get(0));
            assertEquals("POST /api/v1/push Bearer token-2", calls.get(1), "the token is asked for per request");

            statuses.add(503);
            requests.set(0);
            QueenException e = assertThrows(QueenException.class, () -> queen.ack(message()));
            assertEquals(503, e.status());
            assertEquals(1, requests.get(), "an ack is not repeated");

            statuses.add(500);
            requests.set(0);
            assertThrows(QueenException.class, () -> queen.transaction().queue("q").push(1).commit());
            assertEquals(1, requests.get(), "a transaction is not repeated");

            statuses.add(503);
            requests.set(0);
            assertThrows(QueenException.class, () -> queen.queue("q").autoAck(true).pop());
            assertEquals(1, requests.get(), "an autoAck pop is not repeated");
            statuses.add(503);
            requests.set(0);
            assertTrue(queen.queue("q").pop().isEmpty());
            assertEquals(2, requests.get(), "a pop with a lease is");

            for (int i = 0; i < 10; i++) {
                statuses.add(502);
            }
            requests.set(0);
            QueenException gaveUp = assertThrows(QueenException.class, () -> queen.queue("q").push("y"));
            assertEquals(502, gaveUp.status());
            assertEquals(4, requests.get(), "first attempt + 3 retries");
        }
    }

    @Test
    void unreachableServersAreSkippedForEveryKindOfCall() throws IOException {
        int dead = TestServers.freePort(); // nothing listens there
        try (Queen queen = Queen.builder().urls("http://127.0.0.1:" + dead, url()).build()) {
            assertTrue(queen.ack(message()).success(), "an ack that never left may go to the next server");
            assertEquals(1, requests.get());
            queen.queue("q").push("x");
            assertEquals(2, requests.get(), "the push reached the live server");
        }
    }
}
