package io.queen.http;

import io.queen.crypto.Encryption;
import io.queen.crypto.PayloadCipher;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stored payload written into an answer: as it is, decrypted, or null with the reason. */
class PayloadsTest {
    private static final byte[] KEY = key(7);
    private static final byte[] OTHER_KEY = key(9);

    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    /** No database or event loop is needed to read payloads. */
    private static Encryption encryption(byte[] key) {
        return new Encryption(null, null, key, 1000);
    }

    /** How PostgreSQL prints a stored envelope (jsonb: shortest key first, ", " and ": "). */
    private static String storedEnvelope(String payloadJson, byte[] key) {
        PayloadCipher.Envelope e = PayloadCipher.Envelope.of(new PayloadCipher(key).encrypt(payloadJson));
        assertNotNull(e);
        return "{\"iv\": \"" + e.iv() + "\", \"authTag\": \"" + e.authTag() + "\", \"encrypted\": \""
                + e.encrypted() + "\"}";
    }

    private static String write(String stored, Encryption encryption) {
        JsonOut out = new JsonOut().beginObject().field("id", 1L);
        return Payloads.write(out, "data", stored, encryption).endObject().toString();
    }

    @Test
    void aPlainPayloadIsWrittenAsItsRawText() {
        for (String stored : new String[]{"{\"a\": [1, 2.50, \"é\"]}", "[]", "42", "\"text\"", "true", "null"}) {
            assertEquals("{\"id\":1,\"data\":" + stored + "}", write(stored, encryption(null)));
            assertEquals("{\"id\":1,\"data\":" + stored + "}", write(stored, encryption(KEY)));
        }
    }

    @Test
    void aMissingPayloadIsNull() {
        assertEquals("{\"id\":1,\"data\":null}", write(null, encryption(KEY)));
    }

    @Test
    void anEncryptedPayloadIsDecrypted() {
        String payload = "{\"secret\": \"Grüße \\\"quoted\\\"\", \"n\": [1, 2]}";
        String stored = storedEnvelope(payload, KEY);
        assertTrue(Encryption.mayBeEncrypted(stored), stored);
        assertEquals("{\"id\":1,\"data\":" + payload + "}", write(stored, encryption(KEY)));
    }

    @Test
    void anUndecryptablePayloadIsNullWithTheReason() {
        String stored = storedEnvelope("{\"secret\":1}", KEY);
        assertEquals("{\"id\":1,\"data\":null,\"decryptionError\":"
                        + "\"payload is encrypted and this server has no QUEEN_ENCRYPTION_KEY\"}",
                write(stored, encryption(null)));
        assertEquals("{\"id\":1,\"data\":null,\"decryptionError\":"
                        + "\"payload cannot be decrypted with this server's QUEEN_ENCRYPTION_KEY\"}",
                write(stored, encryption(OTHER_KEY)));
    }

    @Test
    void aPayloadThatOnlyLooksLikeAnEnvelopeIsWrittenAsItIs() {
        // the client's own object with an iv field, and one with the three fields plus another
        String ownIv = "{\"iv\": \"abc\", \"data\": 1}";
        String extraField = "{\"iv\": \"AAAAAAAAAAAAAAAAAAAAAA==\", \"more\": \"x\", \"authTag\": \"AAAAAAAAAAAAAAAAAAAAAA==\", "
                + "\"encrypted\": \"AAAA\"}";
        assertEquals("{\"id\":1,\"data\":" + ownIv + "}", write(ownIv, encryption(KEY)));
        assertEquals("{\"id\":1,\"data\":" + extraField + "}", write(extraField, encryption(KEY)));
    }
}
