package io.queen.http;

import io.queen.crypto.Encryption;

/** Writes a stored message payload into an answer, decrypted when it was stored encrypted. */
final class Payloads {
    private Payloads() {
    }

    /**
     * {@code name: <payload>}; a payload that cannot be decrypted (no key, another key) is
     * written as null with a {@code decryptionError} beside it, never as the ciphertext.
     */
    static JsonOut write(JsonOut out, String name, String stored, Encryption encryption) {
        if (!Encryption.mayBeEncrypted(stored)) {
            return out.name(name).raw(stored);
        }
        Encryption.Readable readable = encryption.read(stored);
        if (readable.error() == null) {
            return out.name(name).raw(readable.json());
        }
        return out.name(name).raw(null).field("decryptionError", readable.error());
    }
}
