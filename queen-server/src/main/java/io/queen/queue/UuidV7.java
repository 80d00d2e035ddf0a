package io.queen.queue;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUIDv7 ids (48-bit millisecond time, 12-bit counter, 62 random bits), strictly increasing
 * within the process. The id breaks ties between messages of one push, so monotonic
 * generation is what keeps such a batch in FIFO order.
 *
 * <p>Lock-free: the last (millisecond, counter) pair is one atomic long; a counter overflow
 * borrows the next millisecond rather than going backwards.
 */
public final class UuidV7 {
    private static final AtomicLong LAST = new AtomicLong();

    private UuidV7() {
    }

    public static UUID next() {
        long now = System.currentTimeMillis() << 12;
        long prev;
        long mine;
        do {
            prev = LAST.get();
            mine = Math.max(now, prev + 1);
        } while (!LAST.compareAndSet(prev, mine));
        long millis = mine >>> 12;
        long counter = mine & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
