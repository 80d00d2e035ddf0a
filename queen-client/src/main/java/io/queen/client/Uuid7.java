package io.queen.client;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUIDv7 generator for client-side transaction ids: 48-bit millisecond timestamp, a 12-bit
 * counter that keeps ids monotonic within a millisecond, 62 random bits.
 */
final class Uuid7 {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static int counter;

    private Uuid7() {
    }

    static String next() {
        long millis;
        int seq;
        synchronized (Uuid7.class) { // no I/O inside: cheap and virtual-thread safe
            millis = System.currentTimeMillis();
            if (millis <= lastMillis) {
                millis = lastMillis;
                counter++;
                if (counter > 0xFFF) { // counter exhausted: borrow the next millisecond
                    millis++;
                    counter = 0;
                }
            } else {
                counter = 0;
            }
            lastMillis = millis;
            seq = counter;
        }
        long msb = (millis << 16) | 0x7000L | seq;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
