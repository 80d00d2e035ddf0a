package io.queen.cli;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line against a server with JWT on: --token, QUEEN_TOKEN, and exit code 4 for 401/403. */
class CliAuthenticationTest {
    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!";
    private static QueenUnderTest queen;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        queen = new QueenUnderTest(Map.of("JWT_ENABLED", "true", "JWT_ALGORITHM", "HS256", "JWT_SECRET", SECRET));
    }

    @AfterAll
    static void stop() {
        queen.close();
    }

    private static String token(String role) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("ops")
                .claim("role", role).expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void tokensComeFromTheFlagOrTheEnvironmentAndRefusalsExitWithFour() throws Exception {
        Cli anonymous = new Cli(Map.of(), home);
        Cli.Result refused = anonymous.run("queue", "list", "--server", queen.url);
        assertEquals(Exit.AUTH, refused.code(), refused.toString());

        Cli.Result flagged = anonymous.run("queue", "list", "--server", queen.url, "--token", token("admin"));
        assertEquals(0, flagged.code(), flagged.toString());

        Cli fromEnv = new Cli(Map.of("QUEEN_SERVER", queen.url, "QUEEN_TOKEN", token("read-only")), home);
        assertEquals(0, fromEnv.run("queue", "list").code());
        // a read-only role may not push: 403, also exit 4, with the server's reason on stderr
        Cli.Result forbidden = fromEnv.runWithInput("{\"n\":1}\n", "push", "cli-auth");
        assertEquals(Exit.AUTH, forbidden.code(), forbidden.toString());
        assertTrue(forbidden.err().contains("ermission"), forbidden.toString());
    }
}
