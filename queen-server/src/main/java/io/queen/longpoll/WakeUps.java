package io.queen.longpoll;

import io.queen.queue.NewMessages;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.util.Map;

/**
 * Tells every worker of this process that queues received messages, so parked long-polls
 * retry at once instead of waiting for their next timer. Workers share nothing but this
 * message: each one owns its own parked requests ({@link LongPolls#followWakeUps}).
 */
public final class WakeUps implements NewMessages {
    static final String ADDRESS = "queen.messages-available";
    /** Header: how many partitions got messages, i.e. how many consumers of a group can use them. */
    static final String PARTITIONS = "partitions";
    /** Header present on wake-ups that came from another server: they are not sent on again. */
    static final String REMOTE = "remote";

    private final EventBus bus;

    public WakeUps(EventBus bus) {
        this.bus = bus;
    }

    @Override
    public void announce(Map<String, Integer> partitionsByQueue) {
        partitionsByQueue.forEach((queue, partitions) -> bus.publish(ADDRESS, queue,
                new DeliveryOptions().addHeader(PARTITIONS, Integer.toString(partitions))));
    }

    /** A wake-up another server sent through PostgreSQL: delivered to this server's workers only. */
    void announceRemote(String queue, int partitions) {
        bus.publish(ADDRESS, queue, new DeliveryOptions()
                .addHeader(PARTITIONS, Integer.toString(partitions))
                .addHeader(REMOTE, "true"));
    }
}
