package io.queen.maintenance;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How switch changes reach every holder of a {@link MaintenanceState}. A change made through
 * this server's API is sent to each holder by request/reply, so the API answers only once
 * every worker and the file buffer follow it (a push right after the answer is never
 * missed). Changes seen by the periodic database poll or announced by another server are
 * simply published.
 */
public final class MaintenanceBus {
    public static final String ADDRESS = "queen.maintenance";
    /** Header: where a published change comes from ({@link #FROM_API}, {@link #FROM_PEER}, {@link #FROM_POLL}). */
    public static final String ORIGIN = "origin";
    public static final String FROM_API = "api";
    public static final String FROM_PEER = "peer";
    public static final String FROM_POLL = "poll";
    public static final String BUFFER_HOLDER = "buffer";

    private MaintenanceBus() {
    }

    /** The holders of one server: its workers and its file buffer. */
    public static List<String> holders(int workers) {
        List<String> names = new ArrayList<>(workers + 1);
        for (int i = 0; i < workers; i++) {
            names.add(workerHolder(i));
        }
        names.add(BUFFER_HOLDER);
        return names;
    }

    public static String workerHolder(int workerId) {
        return "worker-" + workerId;
    }

    /**
     * Keeps {@code state} up to date; {@code changed} runs (on the holder's context) with the
     * key of a switch that changed.
     */
    public static void follow(EventBus bus, String holder, MaintenanceState state, Consumer<String> changed) {
        bus.<JsonObject>localConsumer(ADDRESS, msg -> apply(state, msg.body(), changed));
        bus.<JsonObject>localConsumer(ADDRESS + "." + holder, msg -> {
            apply(state, msg.body(), changed);
            msg.reply(null);
        });
    }

    private static void apply(MaintenanceState state, JsonObject update, Consumer<String> changed) {
        if (state.apply(update)) {
            changed.accept(update.getString("key"));
        }
    }

    /** A change made through the API: every holder has applied it when the future completes. */
    public static Future<Void> applyEverywhere(EventBus bus, List<String> holders, JsonObject update) {
        List<Future<?>> applied = new ArrayList<>(holders.size());
        for (String holder : holders) {
            applied.add(bus.request(ADDRESS + "." + holder, update));
        }
        return Future.all(applied).onSuccess(v -> publish(bus, update, FROM_API)).mapEmpty();
    }

    public static void publish(EventBus bus, JsonObject update, String origin) {
        bus.publish(ADDRESS, update, new DeliveryOptions().addHeader(ORIGIN, origin));
    }
}
