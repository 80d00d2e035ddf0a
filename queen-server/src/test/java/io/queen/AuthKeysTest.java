package io.queen;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asymmetric keys with real signatures: RS256/RS384/RS512 against a PEM public key (and the
 * HS256-with-the-public-key confusion attack), EdDSA and ES256 from a JWKS served by a local HTTP
 * server, key rotation, unknown key ids, and the last good key set kept while the JWKS is down.
 */
class AuthKeysTest {
    private static final String PATH = "/api/v1/resources/queues";

    private static JWTClaimsSet reader() {
        return Tokens.claims("svc", "read-only").build();
    }

    private static int status(TestServer server, String token) {
        return server.http.withToken(token).get(PATH).status();
    }

    @Test
    void rsaTokensVerifyAgainstThePemKey() throws Exception {
        KeyPair keys = Tokens.keyPair("RSA");
        Path pem = TestDirs.temp("queen-pem").resolve("public.pem");
        Files.writeString(pem, Tokens.pem(keys));
        TestServer server = TestServer.start(TestDirs.temp("queen-rsa"), Map.of(
                "JWT_ENABLED", "true", "JWT_ALGORITHM", "RS256", "JWT_PUBLIC_KEY", pem.toString()));
        try {
            for (JWSAlgorithm alg : new JWSAlgorithm[]{JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512}) {
                assertEquals(200, status(server, Tokens.rsa(alg, keys, null, reader())), alg.getName());
            }
            KeyPair other = Tokens.keyPair("RSA");
            Http.Response forged = server.http.withToken(Tokens.rsa(JWSAlgorithm.RS256, other, null, reader())).get(PATH);
            assertEquals(401, forged.status(), forged.body());
            assertEquals("Invalid token signature", forged.json().getString("error"));
            // the public key's own text as an HMAC secret: the classic algorithm confusion
            String confused = Tokens.hs256WithKeyBytes(Files.readAllBytes(pem), reader());
            Http.Response r = server.http.withToken(confused).get(PATH);
            assertEquals(401, r.status(), r.body());
            assertEquals("Token uses HS256, expected RS256", r.json().getString("error"));
        } finally {
            server.stop();
        }
    }

    @Test
    void eddsaAndEs256KeysComeFromTheJwksWithRotation() throws Exception {
        KeyPair ed1 = Tokens.keyPair("Ed25519");
        KeyPair ed2 = Tokens.keyPair("Ed25519");
        KeyPair ec = Tokens.keyPair("EC");
        AtomicReference<String> jwks = new AtomicReference<>(new JWKSet(java.util.List.of(okp(ed1, "ed-1"), ecJwk(ec, "ec-1")))
                .toString());
        AtomicInteger fetches = new AtomicInteger();
        HttpServer keyServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        keyServer.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = jwks.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        keyServer.start();
        TestServer server = null;
        try {
            server = TestServer.start(TestDirs.temp("queen-jwks"), Map.of(
                    "JWT_ENABLED", "true", "JWT_ALGORITHM", "auto",
                    "JWT_JWKS_URL", "http://127.0.0.1:" + keyServer.getAddress().getPort() + "/jwks.json",
                    "JWT_JWKS_MIN_REFRESH_MS", "0", "JWT_JWKS_TIMEOUT_MS", "1000"));
            assertEquals(200, status(server, Tokens.eddsa(ed1, "ed-1", reader())));
            assertEquals(200, status(server, Tokens.es256(ec, "ec-1", reader())));
            int steady = fetches.get();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, status(server, Tokens.eddsa(ed1, "ed-1", reader())));
            }
            assertEquals(steady, fetches.get(), "known keys are checked without fetching the set");
            // a token signed by a key the set does not hold under that kid
            assertEquals(401, status(server, Tokens.eddsa(ed2, "ed-1", reader())));
            // an EC token naming the Ed25519 key: the key type must match the algorithm
            assertEquals(401, status(server, Tokens.es256(ec, "ed-1", reader())));

            // rotation: the new key id is unknown, so the set is fetched again
            jwks.set(new JWKSet(java.util.List.of(okp(ed2, "ed-2"))).toString());
            int before = fetches.get();
            assertEquals(200, status(server, Tokens.eddsa(ed2, "ed-2", reader())));
            assertTrue(fetches.get() > before, "the rotation fetched the set again");

            Http.Response unknown = server.http.withToken(Tokens.eddsa(ed2, "ed-9", reader())).get(PATH);
            assertEquals(401, unknown.status(), unknown.body());
            assertEquals("Unknown key ID: ed-9", unknown.json().getString("error"));

            // the key server goes away: the last good set keeps working
            keyServer.stop(0);
            assertEquals(200, status(server, Tokens.eddsa(ed2, "ed-2", reader())));
            assertEquals(401, status(server, Tokens.eddsa(ed2, "ed-10", reader())));
        } finally {
            keyServer.stop(0);
            if (server != null) {
                server.stop();
            }
        }
    }

    @Test
    void jwksDownAtStartAnswers503UntilItIsBack() throws Exception {
        KeyPair ed = Tokens.keyPair("Ed25519");
        int port = TestServer.freePort();
        TestServer server = TestServer.start(TestDirs.temp("queen-jwks-down"), Map.of(
                "JWT_ENABLED", "true", "JWT_ALGORITHM", "EdDSA",
                "JWT_JWKS_URL", "http://127.0.0.1:" + port + "/jwks.json",
                "JWT_JWKS_MIN_REFRESH_MS", "0", "JWT_JWKS_TIMEOUT_MS", "500"));
        HttpServer keyServer = null;
        try {
            Http.Response r = server.http.withToken(Tokens.eddsa(ed, "k", reader())).get(PATH);
            assertEquals(503, r.status(), r.body());
            assertEquals("Failed to fetch JWKS", r.json().getString("error"));

            keyServer = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            byte[] body = new JWKSet(okp(ed, "k")).toString().getBytes(StandardCharsets.UTF_8);
            keyServer.createContext("/jwks.json", exchange -> {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            keyServer.start();
            assertEquals(200, status(server, Tokens.eddsa(ed, "k", reader())));
        } finally {
            if (keyServer != null) {
                keyServer.stop(0);
            }
            server.stop();
        }
    }

    private static OctetKeyPair okp(KeyPair keys, String kid) {
        byte[] spki = keys.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).build();
    }

    private static ECKey ecJwk(KeyPair keys, String kid) {
        return new ECKey.Builder(Curve.P_256, (ECPublicKey) keys.getPublic()).keyID(kid).build();
    }
}
