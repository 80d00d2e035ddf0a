package io.queen.maintenance;

import io.queen.db.PeerChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Sends the switch changes made through this server's API to the other servers on the
 * database, and hands theirs to this server's holders, over the {@link PeerChannel}: they
 * follow within milliseconds rather than at their next {@link MaintenancePoller} read.
 */
public final class MaintenancePeerRelay implements PeerChannel.Member {
    static final String KIND = "maintenance";

    private MessageConsumer<JsonObject> localSwitches;

    @Override
    public void join(Vertx vertx, PeerChannel channel) {
        localSwitches = vertx.eventBus().localConsumer(MaintenanceBus.ADDRESS, msg -> {
            // only the API's own changes: peers' and polled ones are already known elsewhere
            if (MaintenanceBus.FROM_API.equals(msg.headers().get(MaintenanceBus.ORIGIN))) {
                channel.send(KIND, msg.body());
            }
        });
        channel.subscribe(KIND, update -> MaintenanceBus.publish(vertx.eventBus(), update, MaintenanceBus.FROM_PEER));
    }

    @Override
    public Future<?> leave() {
        return localSwitches.unregister();
    }
}
