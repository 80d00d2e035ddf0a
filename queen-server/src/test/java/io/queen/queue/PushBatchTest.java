package io.queen.queue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The columns a push binds: what fusion concatenates and what encryption replaces. */
class PushBatchTest {

    private static PushBatch batch(String queue, String... payloads) {
        PushBatch b = new PushBatch();
        for (String p : payloads) {
            b.add(queue, "p", queue + p, p, null, null);
        }
        return b;
    }

    private static List<Boolean> flags(PushBatch b) {
        List<Boolean> flags = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            flags.add(b.encrypted(i));
        }
        return flags;
    }

    @Test
    void concatKeepsEveryColumnInOrder() {
        UUID trace = UUID.randomUUID();
        PushBatch a = new PushBatch();
        a.add("qa", "pa", "ta", "1", trace, "alice");
        PushBatch b = batch("qb", "2", "3");
        PushBatch all = PushBatch.concat(List.of(a, b));
        assertEquals(3, all.size());
        assertEquals(List.of("qa", "qb", "qb"), all.queues);
        assertEquals(List.of("pa", "p", "p"), all.partitions);
        assertEquals(List.of("ta", "qb2", "qb3"), all.transactionIds);
        assertEquals(List.of("1", "2", "3"), all.payloads);
        assertEquals(List.of(a.messageIds.get(0), b.messageIds.get(0), b.messageIds.get(1)), all.messageIds);
        assertEquals(trace, all.traceId(0));
        assertNull(all.traceId(1));
        assertEquals("alice", all.producer(0));
        assertNull(all.producer(2));
        assertNull(all.encrypted, "no flags column when nothing is encrypted");
    }

    @Test
    void concatCarriesEncryptionFlagsItemByItem() {
        PushBatch plain = batch("a", "1", "2");
        PushBatch sealed = batch("b", "3", "4");
        sealed.markEncrypted(1);
        PushBatch all = PushBatch.concat(List.of(plain, sealed, batch("c", "5")));
        assertEquals(List.of(false, false, false, true, false), all.encrypted);
    }

    @Test
    void encryptReplacesOnlyItemsOfEncryptedQueuesNotYetEncrypted() {
        PushBatch b = batch("secret", "1", "2");
        b.add("open", "p", "o", "3", null, null);
        b.markEncrypted(0);
        b.encrypt("secret"::equals, p -> "enc(" + p + ")");
        assertEquals(List.of("1", "enc(2)", "3"), b.payloads);
        assertEquals(List.of(true, true, false), flags(b));
        // an item added later is plain
        b.add("open", "p", "o2", "4", null, null);
        assertFalse(b.encrypted(3));
        assertEquals(4, b.encrypted.size());
    }

    @Test
    void missingTransactionIdsAreGeneratedAndMessageIdsAreTimeOrdered() {
        PushBatch b = new PushBatch();
        b.add("q", "p", null, "{}", null, null);
        b.add("q", "p", "", "{}", null, null);
        b.add("q", "p", "mine", "{}", null, null);
        assertEquals(4, UUID.fromString(b.transactionId(0)).version());
        assertEquals(4, UUID.fromString(b.transactionId(1)).version());
        assertNotEquals(b.transactionId(0), b.transactionId(1));
        assertEquals("mine", b.transactionId(2));
        for (int i = 0; i < 3; i++) {
            assertEquals(7, b.messageIds.get(i).version());
        }
        assertTrue(b.messageIds.get(0).compareTo(b.messageIds.get(1)) < 0);
        assertTrue(b.messageIds.get(1).compareTo(b.messageIds.get(2)) < 0);
    }
}
