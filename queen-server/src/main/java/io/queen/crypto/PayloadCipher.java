package io.queen.crypto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encryption at rest (spec 1.18): AES-256-GCM with a random 16-byte IV per message and a
 * 16-byte tag, stored as the JSON object {@code {"encrypted", "iv", "authTag"}} (base64), the
 * shape the reference writes, so either server reads what the other stored. Not thread-safe:
 * each worker has its own.
 */
public final class PayloadCipher {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int IV_BYTES = 16;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    /** Re-initialised for every message; an instance belongs to one worker (one thread). */
    private final Cipher cipher;

    /** @param key 32 bytes (QUEEN_ENCRYPTION_KEY) */
    public PayloadCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key");
        }
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The stored form of a payload's JSON text. */
    public String encrypt(String payloadJson) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            sealed = cipher.doFinal(payloadJson.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
        int textLength = sealed.length - TAG_BITS / 8;
        Base64.Encoder b64 = Base64.getEncoder();
        byte[] text = java.util.Arrays.copyOfRange(sealed, 0, textLength);
        byte[] tag = java.util.Arrays.copyOfRange(sealed, textLength, sealed.length);
        return "{\"encrypted\":\"" + b64.encodeToString(text) + "\",\"iv\":\"" + b64.encodeToString(iv)
                + "\",\"authTag\":\"" + b64.encodeToString(tag) + "\"}";
    }

    /**
     * The payload's JSON text back from its stored form.
     *
     * @throws UndecryptableException when the tag does not verify (another key, or tampering)
     */
    public String decrypt(Envelope envelope) {
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] text = b64.decode(envelope.encrypted());
            byte[] tag = b64.decode(envelope.authTag());
            byte[] iv = b64.decode(envelope.iv());
            byte[] sealed = new byte[text.length + tag.length];
            System.arraycopy(text, 0, sealed, 0, text.length);
            System.arraycopy(tag, 0, sealed, text.length, tag.length);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(tag.length * 8, iv));
            return new String(cipher.doFinal(sealed), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new UndecryptableException("payload cannot be decrypted with this server's QUEEN_ENCRYPTION_KEY");
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new UndecryptableException("payload is not a valid encrypted envelope");
        }
    }

    /** The three fields of a stored encrypted payload. */
    public record Envelope(String encrypted, String iv, String authTag) {
        /**
         * The envelope in a payload's JSON text, or null when it is not one: an object with
         * exactly the string fields encrypted, iv and authTag. Cheap for ordinary payloads.
         */
        public static Envelope of(String json) {
            if (json == null || json.length() < 40 || json.charAt(0) != '{' || json.indexOf("\"authTag\"") < 0) {
                return null;
            }
            String encrypted = null;
            String iv = null;
            String tag = null;
            try (JsonParser p = JSON.createParser(json)) {
                p.nextToken();
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    switch (name) {
                        case "encrypted" -> encrypted = p.getText();
                        case "iv" -> iv = p.getText();
                        case "authTag" -> tag = p.getText();
                        default -> {
                            return null;
                        }
                    }
                }
                if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                    return null;
                }
            } catch (IOException e) {
                return null;
            }
            return encrypted != null && iv != null && tag != null ? new Envelope(encrypted, iv, tag) : null;
        }
    }

    /** A stored payload that cannot be turned back into the message's data. */
    public static final class UndecryptableException extends RuntimeException {
        UndecryptableException(String message) {
            super(message, null, false, false);
        }
    }
}
