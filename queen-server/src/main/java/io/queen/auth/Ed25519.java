package io.queen.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * EdDSA (Ed25519) signatures checked with the JDK's own provider: nimbus's verifier for them
 * needs Google Tink on the class path, a large dependency for one algorithm.
 */
final class Ed25519 implements JWSVerifier {
    /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 key bytes follow (RFC 8410). */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final PublicKey key;
    private final JCAContext jca = new JCAContext();

    private Ed25519(PublicKey key) {
        this.key = key;
    }

    static JWSVerifier verifier(PublicKey key) {
        return new Ed25519(key);
    }

    /** From the raw 32-byte public key of a JWK's {@code x}. */
    static JWSVerifier verifier(byte[] x) throws JOSEException {
        if (x == null || x.length != 32) {
            throw new JOSEException("an Ed25519 key has 32 bytes");
        }
        byte[] der = new byte[SPKI_PREFIX.length + 32];
        System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
        System.arraycopy(x, 0, der, SPKI_PREFIX.length, 32);
        try {
            return new Ed25519(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("not an Ed25519 key", e);
        }
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signingInput);
            return s.verify(signature.decode());
        } catch (java.security.SignatureException e) {
            return false; // malformed signature bytes: not a valid signature
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 verification unavailable", e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
