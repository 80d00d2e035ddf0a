package io.queen.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JWT authentication settings (spec 4.9 and 5.1), with the reference's variable names. Checked
 * at start-up: a server asked to authenticate that could not verify a single token must not
 * start, and neither may one whose HMAC secret is too short to be safe.
 */
public final class JwtSettings {
    /** Which token algorithms the server accepts; {@link #AUTO} takes each token's own. */
    public enum Mode { HS256, RS256, ES256, EDDSA, AUTO }

    /** RFC 7518 3.2: an HS256 key must be at least as long as the hash. */
    public static final int MIN_SECRET_BYTES = 32;

    public final boolean enabled;
    public final Mode mode;
    /** Raw bytes of JWT_SECRET, or null. */
    public final byte[] secret;
    /** JWT_PUBLIC_KEY (the PEM itself or the file it names), or null. */
    public final PublicKey publicKey;
    public final URI jwksUrl;
    public final String issuer;
    public final String audience;
    public final int clockSkewSeconds;
    public final String rolesClaim;
    public final String rolesArrayClaim;
    public final String roleAdmin;
    public final String roleReadWrite;
    public final String roleReadOnly;
    public final int jwksTimeoutMs;
    /** The key set is fetched again this often, and kept when the endpoint is down. */
    public final int jwksRefreshSeconds;
    /** At most one fetch per this interval for tokens with an unknown key id. */
    public final int jwksMinRefreshMs;
    public final List<String> skipPaths;
    /** JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL is set while JWT_ENABLED is not true. */
    public final boolean keysWithoutAuth;

    JwtSettings(Env env) {
        enabled = env.bool("JWT_ENABLED", false);
        String algorithm = env.string("JWT_ALGORITHM", "HS256");
        mode = switch (algorithm.toUpperCase(Locale.ROOT)) {
            case "HS256" -> Mode.HS256;
            case "RS256" -> Mode.RS256;
            case "ES256" -> Mode.ES256;
            case "EDDSA" -> Mode.EDDSA;
            case "AUTO" -> Mode.AUTO;
            default -> throw new ConfigException("JWT_ALGORITHM must be HS256, RS256, ES256, EdDSA or auto, got '"
                    + algorithm + "'");
        };
        secret = env.has("JWT_SECRET") ? env.string("JWT_SECRET", null).getBytes(StandardCharsets.UTF_8) : null;
        publicKey = env.has("JWT_PUBLIC_KEY") ? parsePem(pem(env.string("JWT_PUBLIC_KEY", null))) : null;
        jwksUrl = env.has("JWT_JWKS_URL") ? url(env.string("JWT_JWKS_URL", null)) : null;
        issuer = env.string("JWT_ISSUER", null);
        audience = env.string("JWT_AUDIENCE", null);
        clockSkewSeconds = env.integer("JWT_CLOCK_SKEW", 30, 0, 86_400);
        rolesClaim = env.string("JWT_ROLES_CLAIM", "role");
        rolesArrayClaim = env.string("JWT_ROLES_ARRAY_CLAIM", "roles");
        roleAdmin = env.string("JWT_ROLE_ADMIN", "admin");
        roleReadWrite = env.string("JWT_ROLE_READ_WRITE", "read-write");
        roleReadOnly = env.string("JWT_ROLE_READ_ONLY", "read-only");
        jwksTimeoutMs = env.integer("JWT_JWKS_TIMEOUT_MS", 5000, 100, 600_000);
        jwksRefreshSeconds = env.integer("JWT_JWKS_REFRESH_INTERVAL", 3600, 1, 86_400 * 7);
        jwksMinRefreshMs = env.integer("JWT_JWKS_MIN_REFRESH_MS", 10_000, 0, 3_600_000);
        skipPaths = paths(env.string("JWT_SKIP_PATHS", "/health,/metrics/prometheus,/metrics,/"));
        keysWithoutAuth = !enabled && (secret != null || publicKey != null || jwksUrl != null);
        if (enabled) {
            validate();
        }
    }

    /** For the start-up log: what protects the routes. */
    public String describe() {
        if (!enabled) {
            return "off, every route is open" + (keysWithoutAuth
                    ? " (JWT keys are configured but JWT_ENABLED is not true: they are not used)" : "");
        }
        String keys = String.join(", ", java.util.stream.Stream.of(
                        secret != null ? "JWT_SECRET" : null,
                        publicKey != null ? "JWT_PUBLIC_KEY (" + publicKey.getAlgorithm() + ")" : null,
                        jwksUrl != null ? "JWKS " + jwksUrl : null)
                .filter(java.util.Objects::nonNull).toList());
        return "JWT " + mode + " with " + keys + (issuer != null ? ", issuer " + issuer : "")
                + (audience != null ? ", audience " + audience : "");
    }

    private void validate() {
        boolean asymmetric = publicKey != null || jwksUrl != null;
        switch (mode) {
            case HS256 -> {
                if (secret == null) {
                    throw new ConfigException("JWT_ENABLED=true with JWT_ALGORITHM=HS256 needs JWT_SECRET");
                }
            }
            case AUTO -> {
                if (secret == null && !asymmetric) {
                    throw new ConfigException("JWT_ENABLED=true with JWT_ALGORITHM=auto needs JWT_SECRET, "
                            + "JWT_PUBLIC_KEY or JWT_JWKS_URL");
                }
            }
            default -> {
                if (!asymmetric) {
                    throw new ConfigException("JWT_ENABLED=true with JWT_ALGORITHM=" + mode
                            + " needs JWT_PUBLIC_KEY or JWT_JWKS_URL");
                }
            }
        }
        if (secret != null && secret.length < MIN_SECRET_BYTES) {
            throw new ConfigException("JWT_SECRET must be at least " + MIN_SECRET_BYTES
                    + " bytes for HS256 (it has " + secret.length + "): a shorter key can be guessed");
        }
    }

    /** The PEM text itself, or the file it names; "\n" written as two characters is accepted. */
    private static String pem(String value) {
        String v = value.replace("\\n", "\n");
        if (v.startsWith("-----BEGIN")) {
            return v;
        }
        Path file = Path.of(v);
        if (Files.isRegularFile(file)) {
            try {
                return Files.readString(file);
            } catch (java.io.IOException e) {
                throw new ConfigException("JWT_PUBLIC_KEY names the file " + file + ", which cannot be read: " + e.getMessage());
            }
        }
        throw new ConfigException("JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----) or the path of one");
    }

    private static URI url(String value) {
        try {
            URI uri = URI.create(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException("JWT_JWKS_URL must be an http(s) URL, got '" + value + "'");
    }

    private static List<String> paths(String list) {
        List<String> paths = new ArrayList<>();
        for (String p : list.split(",")) {
            String t = p.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!t.startsWith("/")) {
                throw new ConfigException("JWT_SKIP_PATHS entries must start with /, got '" + t + "'");
            }
            paths.add(t);
        }
        return List.copyOf(paths);
    }

    /** Loads JWT_PUBLIC_KEY (an X.509 SubjectPublicKeyInfo PEM: RSA, EC or Ed25519). */
    private static PublicKey parsePem(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        if (pem.contains("BEGIN RSA PUBLIC KEY")) {
            throw new ConfigException("JWT_PUBLIC_KEY is a PKCS#1 RSA key; give it as -----BEGIN PUBLIC KEY----- "
                    + "(openssl rsa -pubin -in key.pem -RSAPublicKey_in -pubout)");
        }
        byte[] der;
        try {
            der = java.util.Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("JWT_PUBLIC_KEY is not valid PEM (bad base64)");
        }
        for (String type : new String[]{"RSA", "EC", "Ed25519"}) {
            try {
                return java.security.KeyFactory.getInstance(type).generatePublic(new java.security.spec.X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new ConfigException("JWT_PUBLIC_KEY is not an RSA, EC or Ed25519 public key");
    }
}
