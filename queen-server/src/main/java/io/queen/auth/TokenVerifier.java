package io.queen.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.queen.config.JwtSettings;
import io.vertx.core.Future;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a bearer token: its algorithm against the configuration, its signature with a key of
 * the matching type (an RSA key never verifies an HMAC token, and {@code none} is never
 * accepted), then expiry, not-before, issue time, issuer and audience, and reads its roles.
 * Runs on the event loop; only a key set fetch for an unknown key id leaves it.
 */
final class TokenVerifier {
    /** Algorithm families: which key type verifies them. */
    private enum Family { HMAC, RSA, EC, ED25519 }

    private final JwtSettings settings;
    private final MACVerifier hmac;
    private final PublicKey staticKey;
    private final JwksKeys jwks;

    TokenVerifier(JwtSettings settings, PublicKey staticKey, JwksKeys jwks) {
        this.settings = settings;
        this.staticKey = staticKey;
        this.jwks = jwks;
        try {
            this.hmac = settings.secret == null ? null : new MACVerifier(settings.secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWT_SECRET: " + e.getMessage(), e);
        }
    }

    Future<Identity> verify(String token) {
        SignedJWT jwt;
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT signed)) {
                return Future.failedFuture(AuthFailure.unauthorized("Unsigned or encrypted tokens are not accepted"));
            }
            jwt = signed;
        } catch (ParseException e) {
            return Future.failedFuture(AuthFailure.unauthorized("Token decode error: not a JWT"));
        }
        JWSHeader header = jwt.getHeader();
        Family family;
        try {
            family = familyOf(header.getAlgorithm());
        } catch (AuthFailure e) {
            return Future.failedFuture(e);
        }
        if (family != Family.HMAC && staticKey == null) {
            // keys from the JWKS: an unknown key id fetches the set again (rate-limited) first
            if (jwksKey(family, header) == null) {
                return jwks.fetch(header.getKeyID()).transform(ar -> ar.failed() && jwks.current().isEmpty()
                        ? Future.<Void>failedFuture(new AuthFailure(503, "Failed to fetch JWKS"))
                        : Future.<Void>succeededFuture()).compose(v -> finish(jwt, family));
            }
        }
        return finish(jwt, family);
    }

    private Future<Identity> finish(SignedJWT jwt, Family family) {
        try {
            if (!jwt.verify(verifierFor(family, jwt.getHeader()))) {
                throw AuthFailure.unauthorized("Invalid token signature");
            }
            return Future.succeededFuture(identity(jwt.getJWTClaimsSet()));
        } catch (AuthFailure e) {
            return Future.failedFuture(e);
        } catch (ParseException e) {
            return Future.failedFuture(AuthFailure.unauthorized("Token decode error: claims are not a JSON object"));
        } catch (JOSEException e) {
            return Future.failedFuture(AuthFailure.unauthorized("Token verification failed: " + e.getMessage()));
        }
    }

    /** Which algorithms the configured mode accepts, and the key family that verifies each. */
    private Family familyOf(JWSAlgorithm alg) {
        String name = alg.getName();
        Family family = switch (name) {
            case "HS256", "HS384", "HS512" -> Family.HMAC;
            case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" -> Family.RSA;
            case "ES256", "ES384", "ES512" -> Family.EC;
            case "EdDSA", "Ed25519" -> Family.ED25519;
            default -> null;
        };
        switch (settings.mode) {
            case HS256 -> {
                if (!name.equals("HS256")) {
                    throw AuthFailure.unauthorized("Token uses " + name + ", expected HS256");
                }
            }
            case RS256 -> {
                if (family != Family.RSA) {
                    throw AuthFailure.unauthorized("Token uses " + name + ", expected RS256");
                }
            }
            case ES256 -> {
                if (family != Family.EC) {
                    throw AuthFailure.unauthorized("Token uses " + name + ", expected ES256");
                }
            }
            case EDDSA -> {
                if (family != Family.ED25519) {
                    throw AuthFailure.unauthorized("Token uses " + name + ", expected EdDSA");
                }
            }
            case AUTO -> {
                if (family == null || (family == Family.HMAC && hmac == null)
                        || (family != Family.HMAC && staticKey == null && jwks == null)) {
                    throw AuthFailure.unauthorized("Unsupported algorithm: " + name);
                }
            }
        }
        return family;
    }

    private JWSVerifier verifierFor(Family family, JWSHeader header) throws JOSEException {
        if (family == Family.HMAC) {
            return hmac;
        }
        if (staticKey != null) {
            return fromPublicKey(family, staticKey, header.getAlgorithm());
        }
        JWK key = jwksKey(family, header);
        if (key == null) {
            String kid = header.getKeyID();
            throw AuthFailure.unauthorized(kid == null ? "No key in the JWKS for " + header.getAlgorithm().getName()
                    : "Unknown key ID: " + kid);
        }
        return switch (family) {
            case RSA -> new RSASSAVerifier(key.toRSAKey().toRSAPublicKey());
            case EC -> new ECDSAVerifier(key.toECKey().toECPublicKey());
            case ED25519 -> Ed25519.verifier(key.toOctetKeyPair().getDecodedX());
            case HMAC -> throw new IllegalStateException();
        };
    }

    private static JWSVerifier fromPublicKey(Family family, PublicKey key, JWSAlgorithm alg) throws JOSEException {
        if (family == Family.RSA && key instanceof RSAPublicKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (family == Family.EC && key instanceof ECPublicKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (family == Family.ED25519 && key instanceof java.security.interfaces.EdECPublicKey) {
            return Ed25519.verifier(key);
        }
        throw AuthFailure.unauthorized("Token uses " + alg.getName() + ", which the configured "
                + key.getAlgorithm() + " public key cannot verify");
    }

    /** The JWKS key for this token: by kid when it has one, else the first key of the right type. */
    private JWK jwksKey(Family family, JWSHeader header) {
        if (jwks == null) {
            return null;
        }
        String kid = header.getKeyID();
        for (JWK k : jwks.current()) {
            if (kid != null && !kid.equals(k.getKeyID())) {
                continue;
            }
            if (KeyUse.ENCRYPTION.equals(k.getKeyUse())
                    || (k.getAlgorithm() != null && !k.getAlgorithm().getName().equals(header.getAlgorithm().getName()))) {
                continue;
            }
            boolean fits = switch (family) {
                case RSA -> k instanceof RSAKey;
                case EC -> k instanceof ECKey ec && ec.getCurve().equals(curveOf(header.getAlgorithm()));
                case ED25519 -> k instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
                case HMAC -> false;
            };
            if (fits) {
                return k;
            }
        }
        return null;
    }

    private static Curve curveOf(JWSAlgorithm alg) {
        return switch (alg.getName()) {
            case "ES384" -> Curve.P_384;
            case "ES512" -> Curve.P_521;
            default -> Curve.P_256;
        };
    }

    private Identity identity(JWTClaimsSet claims) {
        long now = System.currentTimeMillis();
        long skew = settings.clockSkewSeconds * 1000L;
        Date exp = claims.getExpirationTime();
        if (exp != null && now > exp.getTime() + skew) {
            throw AuthFailure.unauthorized("Token has expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now + skew < nbf.getTime()) {
            throw AuthFailure.unauthorized("Token is not valid yet");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now + skew < iat.getTime()) {
            throw AuthFailure.unauthorized("Token was issued in the future");
        }
        if (settings.issuer != null && !settings.issuer.equals(claims.getIssuer())) {
            throw AuthFailure.unauthorized("Invalid token issuer");
        }
        if (settings.audience != null) {
            List<String> aud = claims.getAudience();
            if (aud == null || !aud.contains(settings.audience)) {
                throw AuthFailure.unauthorized("Invalid token audience");
            }
        }
        Set<AccessLevel.Role> roles = EnumSet.noneOf(AccessLevel.Role.class);
        Object single = settings.rolesClaim.isEmpty() ? null : claims.getClaim(settings.rolesClaim);
        if (single instanceof String s) {
            addRole(roles, s);
        }
        Object many = settings.rolesArrayClaim.isEmpty() ? null : claims.getClaim(settings.rolesArrayClaim);
        if (many instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s) {
                    addRole(roles, s);
                }
            }
        }
        Object sub = claims.getClaim("sub");
        return new Identity(sub instanceof String s ? s : null, Set.copyOf(roles));
    }

    private void addRole(Set<AccessLevel.Role> roles, String name) {
        if (name.equals(settings.roleAdmin)) {
            roles.add(AccessLevel.Role.ADMIN);
        } else if (name.equals(settings.roleReadWrite)) {
            roles.add(AccessLevel.Role.READ_WRITE);
        } else if (name.equals(settings.roleReadOnly)) {
            roles.add(AccessLevel.Role.READ_ONLY);
        }
    }
}
