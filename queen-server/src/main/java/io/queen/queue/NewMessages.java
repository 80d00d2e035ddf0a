package io.queen.queue;

import java.util.Map;

/**
 * Where writers of messages (push, transaction, buffer drain, requeue) say that queues received
 * some, once they are committed. The long-poll package listens ({@code longpoll.WakeUps});
 * writers do not need to know who waits.
 */
@FunctionalInterface
public interface NewMessages {
    /** @param partitionsByQueue queue name → number of its partitions that received messages */
    void announce(Map<String, Integer> partitionsByQueue);
}
