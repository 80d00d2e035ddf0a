package io.queen.longpoll;

import io.queen.longpoll.WakePolicy.AfterEmpty;
import io.queen.queue.ConsumerGroups;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The wake policy on its own: no server, no database, no Vert.x. */
class WakePolicyTest {
    /** A parked pop as the policy sees it: its consumer group, and a name to tell it apart. */
    private record Parked(String name, String group) {
    }

    private static List<Parked> toWake(List<Parked> parked, int partitions) {
        return WakePolicy.toWake(parked, Parked::group, partitions);
    }

    @Test
    void onePartitionWakesTheLongestWaitingPopOfEachGroup() {
        Parked a1 = new Parked("a1", "a");
        Parked b1 = new Parked("b1", "b");
        Parked a2 = new Parked("a2", "a");
        Parked b2 = new Parked("b2", "b");
        assertEquals(List.of(a1, b1), toWake(List.of(a1, b1, a2, b2), 1));
    }

    @Test
    void asManyPopsPerGroupAsPartitionsReceivedMessages() {
        Parked a1 = new Parked("a1", "a");
        Parked a2 = new Parked("a2", "a");
        Parked a3 = new Parked("a3", "a");
        Parked b1 = new Parked("b1", "b");
        assertEquals(List.of(a1, a2, b1), toWake(List.of(a1, a2, a3, b1), 2));
        assertEquals(List.of(a1, a2, a3, b1), toWake(List.of(a1, a2, a3, b1), 10));
    }

    @Test
    void queueModePopsShareOneGroup() {
        // pops without a consumer group compete for the same partitions like any group's
        Parked first = new Parked("first", ConsumerGroups.QUEUE_MODE);
        Parked second = new Parked("second", ConsumerGroups.QUEUE_MODE);
        Parked other = new Parked("other", "analytics");
        assertEquals(List.of(first, other), toWake(List.of(first, second, other), 1));
    }

    @Test
    void nothingParkedOrNoPartitionsWakesNobody() {
        assertEquals(List.of(), toWake(List.of(), 3));
        assertEquals(List.of(), toWake(List.of(new Parked("a1", "a")), 0));
    }

    @Test
    void aPopWithoutWaitAnswersAtOnce() {
        WakePolicy policy = new WakePolicy(1000);
        assertEquals(AfterEmpty.ANSWER_EMPTY, policy.afterEmpty(false, 30_000, false));
        assertEquals(AfterEmpty.ANSWER_EMPTY, policy.afterEmpty(false, 30_000, true));
    }

    @Test
    void aPopPastItsDeadlineAnswersEvenWhenWoken() {
        WakePolicy policy = new WakePolicy(1000);
        assertEquals(AfterEmpty.ANSWER_EMPTY, policy.afterEmpty(true, 0, false));
        assertEquals(AfterEmpty.ANSWER_EMPTY, policy.afterEmpty(true, -5, true));
    }

    @Test
    void aWakeUpDuringTheAttemptTriesAgainAtOnce() {
        WakePolicy policy = new WakePolicy(1000);
        assertEquals(AfterEmpty.RETRY_NOW, policy.afterEmpty(true, 1, true));
        assertEquals(AfterEmpty.PARK, policy.afterEmpty(true, 1, false));
    }

    @Test
    void recheckEveryIntervalButNeverPastTheDeadline() {
        WakePolicy policy = new WakePolicy(1000);
        assertEquals(1000, policy.recheckDelayMs(30_000));
        assertEquals(1000, policy.recheckDelayMs(1000));
        assertEquals(250, policy.recheckDelayMs(250));
    }

    @Test
    void recheckDelayIsNeverZero() {
        // Vert.x refuses timers under 1 ms; the deadline check after the attempt ends the poll
        WakePolicy policy = new WakePolicy(1000);
        assertEquals(1, policy.recheckDelayMs(0));
        assertEquals(1, policy.recheckDelayMs(-3));
    }

    @Test
    void peerAnnouncementsKeepTheLargestPartitionCount() {
        assertEquals(3, WakePolicy.coalesce(3, 1));
        assertEquals(4, WakePolicy.coalesce(2, 4));
        assertEquals(2, WakePolicy.coalesce(2, 2));
    }
}
