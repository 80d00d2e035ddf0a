package io.queen.queue;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a consumer group without a position starts (spec 1.10), without a database. */
class ConsumerGroupsTest {
    private static final OffsetDateTime T = OffsetDateTime.parse("2026-01-02T03:04:05Z");

    @Test
    void aRequestWithoutAGroupReadsInQueueMode() {
        assertEquals(ConsumerGroups.QUEUE_MODE, ConsumerGroups.orQueueMode(null));
        assertEquals(ConsumerGroups.QUEUE_MODE, ConsumerGroups.orQueueMode(""));
        assertEquals("billing", ConsumerGroups.orQueueMode("billing"));
    }

    @Test
    void aNamedGroupStartsWhereItsSubscriptionSays() {
        assertEquals(new ConsumerGroups.Start(null, null), ConsumerGroups.Start.of("g", "", null, null));
        assertEquals(new ConsumerGroups.Start(null, null), ConsumerGroups.Start.of("g", "all", "", null));
        assertEquals(new ConsumerGroups.Start("new", null), ConsumerGroups.Start.of("g", "new", null, null));
        assertEquals(new ConsumerGroups.Start("new", null), ConsumerGroups.Start.of("g", "new-only", null, null));
        assertEquals(new ConsumerGroups.Start("new", null), ConsumerGroups.Start.of("g", "", "now", null));
        // a timestamp wins over the mode
        assertEquals(new ConsumerGroups.Start("timestamp", T), ConsumerGroups.Start.of("g", "new", T.toString(), T));
    }

    @Test
    void queueModeAlwaysReadsEverything() {
        assertEquals(new ConsumerGroups.Start(null, null),
                ConsumerGroups.Start.of(ConsumerGroups.QUEUE_MODE, "new", T.toString(), T));
        assertEquals(new ConsumerGroups.Start(null, null),
                ConsumerGroups.Start.of(ConsumerGroups.QUEUE_MODE, "", "now", null));
    }
}
