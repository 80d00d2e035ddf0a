package io.queen.client;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client against a server with JWT authentication on: static tokens, a refreshing supplier, refusals. */
class AuthenticationTest {
    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!";
    private static TestServers.Running server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start("JWT_ENABLED", "true", "JWT_ALGORITHM", "HS256", "JWT_SECRET", SECRET);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static String token(String subject, String role, long validMillis) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).claim("role", role)
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + validMillis)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void aTokenLetsTheClientInAndNamesTheProducer() throws Exception {
        String queue = "auth-" + UUID.randomUUID();
        try (Queen queen = Queen.builder().url(server.url()).token(token("billing", "read-write", 3_600_000)).build()) {
            queen.queue(queue).push(Map.of("n", 1));
            List<Message> popped = queen.queue(queue).autoAck(true).pop();
            assertEquals(1, popped.size());
            assertEquals("billing", popped.get(0).producerSub(), "stamped from the token by the server");
            // a read-write role may not delete a queue: the server says 403, the client throws it
            QueenException refused = assertThrows(QueenException.class, () -> queen.admin().deleteQueue(queue));
            assertEquals(403, refused.status(), refused.getMessage());
        }
    }

    @Test
    void withoutATokenEveryCallIsRefusedWith401() {
        try (Queen queen = Queen.builder().url(server.url()).retries(0).build()) {
            QueenException refused = assertThrows(QueenException.class,
                    () -> queen.queue("auth-none").push(Map.of("n", 1)));
            assertEquals(401, refused.status(), refused.getMessage());
        }
    }

    @Test
    void theSupplierIsAskedForEachCallSoAnExpiredTokenIsReplaced() throws Exception {
        String queue = "auth-refresh-" + UUID.randomUUID();
        String expired = token("svc", "read-write", -120_000); // past the server's 30 s clock skew
        String fresh = token("svc", "read-write", 3_600_000);
        AtomicInteger calls = new AtomicInteger();
        try (Queen queen = Queen.builder().url(server.url()).retries(0).requestTimeout(Duration.ofSeconds(10))
                .tokenSupplier(() -> calls.incrementAndGet() == 1 ? expired : fresh).build()) {
            QueenException stale = assertThrows(QueenException.class, () -> queen.queue(queue).push(Map.of("n", 1)));
            assertEquals(401, stale.status(), stale.getMessage());
            assertEquals("queued", queen.queue(queue).push(Map.of("n", 2)).status());
        }
    }
}
