package io.queen.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JWT settings: defaults, algorithms, keys in their three forms, and each refusal. */
class JwtSettingsTest {
    private static final String SECRET = "s".repeat(JwtSettings.MIN_SECRET_BYTES);

    private static JwtSettings jwt(String... pairs) {
        return new JwtSettings(new Env(Pairs.env(pairs)));
    }

    private static String refusal(String... pairs) {
        return assertThrows(ConfigException.class, () -> jwt(pairs), String.join(" ", pairs)).getMessage();
    }

    private static PublicKey key(String algorithm) throws GeneralSecurityException {
        return KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic();
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    @Test
    void offByDefaultWithTheReferencesClaimsAndPaths() {
        JwtSettings j = jwt();
        assertFalse(j.enabled);
        assertEquals(JwtSettings.Mode.HS256, j.mode);
        assertNull(j.secret);
        assertNull(j.publicKey);
        assertNull(j.jwksUrl);
        assertNull(j.issuer);
        assertNull(j.audience);
        assertEquals("role", j.rolesClaim);
        assertEquals("roles", j.rolesArrayClaim);
        assertEquals("admin", j.roleAdmin);
        assertEquals("read-write", j.roleReadWrite);
        assertEquals("read-only", j.roleReadOnly);
        assertEquals(List.of("/health", "/metrics/prometheus", "/metrics", "/"), j.skipPaths);
        assertFalse(j.keysWithoutAuth);
        assertEquals("off, every route is open", j.describe());
    }

    @Test
    void keysWithoutJwtEnabledAreKeptButUnused() {
        JwtSettings j = jwt("JWT_SECRET", "short");
        assertFalse(j.enabled);
        assertTrue(j.keysWithoutAuth);
        assertTrue(j.describe().contains("JWT_ENABLED is not true"), j.describe());
        // nothing is checked while it is off: a short secret or missing keys do not stop the start
        assertFalse(jwt("JWT_ALGORITHM", "RS256").enabled);
    }

    @Test
    void algorithmsAreCaseInsensitiveAndAnythingElseIsRefused() {
        assertEquals(JwtSettings.Mode.EDDSA, jwt("JWT_ALGORITHM", "EdDSA").mode);
        assertEquals(JwtSettings.Mode.AUTO, jwt("JWT_ALGORITHM", "Auto").mode);
        assertEquals(JwtSettings.Mode.ES256, jwt("JWT_ALGORITHM", "es256").mode);
        for (String bad : new String[]{"none", "HS512", "RS 256"}) {
            assertEquals("JWT_ALGORITHM must be HS256, RS256, ES256, EdDSA or auto, got '" + bad + "'",
                    refusal("JWT_ALGORITHM", bad));
        }
    }

    @Test
    void hs256NeedsASecretOfAtLeast32Bytes() {
        JwtSettings j = jwt("JWT_ENABLED", "true", "JWT_SECRET", SECRET, "JWT_ISSUER", "iss", "JWT_AUDIENCE", "aud");
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), j.secret);
        assertEquals("JWT HS256 with JWT_SECRET, issuer iss, audience aud", j.describe());
        assertEquals("JWT_ENABLED=true with JWT_ALGORITHM=HS256 needs JWT_SECRET", refusal("JWT_ENABLED", "true"));
        assertEquals("JWT_SECRET must be at least 32 bytes for HS256 (it has 31): a shorter key can be guessed",
                refusal("JWT_ENABLED", "true", "JWT_SECRET", "s".repeat(31)));
        // bytes, not characters: 16 two-byte characters are enough
        assertEquals(32, jwt("JWT_ENABLED", "true", "JWT_SECRET", "é".repeat(16)).secret.length);
    }

    @Test
    void asymmetricAlgorithmsNeedAPublicKeyOrAKeySet() {
        for (String algorithm : new String[]{"RS256", "ES256", "EdDSA"}) {
            assertTrue(refusal("JWT_ENABLED", "true", "JWT_ALGORITHM", algorithm, "JWT_SECRET", SECRET)
                    .endsWith(" needs JWT_PUBLIC_KEY or JWT_JWKS_URL"), algorithm);
        }
        assertEquals("JWT_ENABLED=true with JWT_ALGORITHM=auto needs JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL",
                refusal("JWT_ENABLED", "true", "JWT_ALGORITHM", "auto"));
        JwtSettings jwks = jwt("JWT_ENABLED", "true", "JWT_ALGORITHM", "RS256", "JWT_JWKS_URL",
                "https://id.example/.well-known/jwks.json");
        assertEquals(URI.create("https://id.example/.well-known/jwks.json"), jwks.jwksUrl);
        assertEquals("JWT RS256 with JWKS https://id.example/.well-known/jwks.json", jwks.describe());
        for (String bad : new String[]{"ftp://keys.example", "https://", "not a url", "/relative/jwks.json"}) {
            assertEquals("JWT_JWKS_URL must be an http(s) URL, got '" + bad + "'",
                    refusal("JWT_ENABLED", "true", "JWT_ALGORITHM", "RS256", "JWT_JWKS_URL", bad));
        }
    }

    @Test
    void publicKeysAsPemTextEscapedNewlinesOrAFile(@TempDir Path dir) throws Exception {
        PublicKey rsa = key("RSA");
        PublicKey ec = key("EC");
        PublicKey ed = key("Ed25519");
        assertEquals(rsa, jwt("JWT_PUBLIC_KEY", pem(rsa)).publicKey);
        assertEquals(ec, jwt("JWT_PUBLIC_KEY", pem(ec).replace("\n", "\\n")).publicKey, "\\n written as two characters");
        Path file = Files.writeString(dir.resolve("ed.pem"), pem(ed));
        JwtSettings fromFile = jwt("JWT_ENABLED", "true", "JWT_ALGORITHM", "auto", "JWT_PUBLIC_KEY", file.toString(),
                "JWT_SECRET", SECRET);
        assertEquals(ed, fromFile.publicKey);
        assertEquals("JWT AUTO with JWT_SECRET, JWT_PUBLIC_KEY (" + ed.getAlgorithm() + ")", fromFile.describe());
    }

    @Test
    void publicKeysThatCannotBeUsedAreRefused(@TempDir Path dir) throws IOException {
        assertEquals("JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----) or the path of one",
                refusal("JWT_PUBLIC_KEY", dir.resolve("missing.pem").toString()));
        assertEquals("JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----) or the path of one",
                refusal("JWT_PUBLIC_KEY", dir.toString()));
        assertTrue(refusal("JWT_PUBLIC_KEY", "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----")
                .startsWith("JWT_PUBLIC_KEY is a PKCS#1 RSA key"));
        assertEquals("JWT_PUBLIC_KEY is not valid PEM (bad base64)",
                refusal("JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----"));
        assertEquals("JWT_PUBLIC_KEY is not an RSA, EC or Ed25519 public key",
                refusal("JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----");
        assertEquals("JWT_PUBLIC_KEY is not an RSA, EC or Ed25519 public key", refusal("JWT_PUBLIC_KEY", garbage.toString()));
    }

    @Test
    void skipPathsAndRoleClaims() {
        assertEquals(List.of("/a", "/b/c"), jwt("JWT_SKIP_PATHS", " /a , ,/b/c ,").skipPaths);
        assertEquals("JWT_SKIP_PATHS entries must start with /, got 'health'", refusal("JWT_SKIP_PATHS", "/ok,health"));
        JwtSettings roles = jwt("JWT_ROLES_CLAIM", "kind", "JWT_ROLES_ARRAY_CLAIM", "groups", "JWT_ROLE_ADMIN", "root",
                "JWT_ROLE_READ_WRITE", "rw", "JWT_ROLE_READ_ONLY", "ro");
        assertEquals(List.of("kind", "groups", "root", "rw", "ro"), List.of(roles.rolesClaim, roles.rolesArrayClaim,
                roles.roleAdmin, roles.roleReadWrite, roles.roleReadOnly));
    }
}
