package io.queen.queue;

import io.vertx.core.eventbus.EventBus;

import java.util.Collection;

/**
 * Tells every worker of this process that queues received messages, so parked long-polls
 * retry at once instead of waiting for their next timer. Workers share nothing but this
 * message: each one owns its own parked requests.
 */
public final class WakeUps {
    public static final String ADDRESS = "queen.messages-available";

    private final EventBus bus;

    public WakeUps(EventBus bus) {
        this.bus = bus;
    }

    public void announce(Collection<String> queues) {
        for (String queue : queues) {
            bus.publish(ADDRESS, queue);
        }
    }
}
