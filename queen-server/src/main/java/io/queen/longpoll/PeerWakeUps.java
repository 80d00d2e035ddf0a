package io.queen.longpoll;

import io.queen.db.PeerChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * Wakes long-polls parked on other servers that share the database, and wakes ours when they
 * receive messages, over the {@link PeerChannel}. The NOTIFY is sent after the push has
 * committed and been answered, coalesced over a few milliseconds across this process's
 * workers, so the push path neither waits for it nor pays a statement per push. Missed
 * notifications (while the connection is down) cost at most one re-check interval of the
 * parked pops, which re-check on their own timer anyway.
 */
public final class PeerWakeUps implements PeerChannel.Member {
    static final String KIND = "queues";
    /** NOTIFY payloads are limited to 8000 bytes; stay well below. */
    private static final int MAX_PAYLOAD = 7000;

    private final long coalesceMs;

    private Vertx vertx;
    private PeerChannel channel;
    private MessageConsumer<String> localPushes;
    private Map<String, Integer> pending = new HashMap<>();
    private boolean flushScheduled;

    public PeerWakeUps(long coalesceMs) {
        this.coalesceMs = coalesceMs;
    }

    @Override
    public void join(Vertx vertx, PeerChannel channel) {
        this.vertx = vertx;
        this.channel = channel;
        localPushes = vertx.eventBus().localConsumer(WakeUps.ADDRESS, msg -> {
            if (msg.headers().contains(WakeUps.REMOTE)) {
                return; // a peer's wake-up: it has told the others itself
            }
            pending.merge(msg.body(), Integer.parseInt(msg.headers().get(WakeUps.PARTITIONS)), WakePolicy::coalesce);
            if (!flushScheduled) {
                flushScheduled = true;
                vertx.setTimer(coalesceMs, t -> flush());
            }
        });
        channel.subscribe(KIND, this::received);
    }

    private void received(JsonObject queues) {
        WakeUps local = new WakeUps(vertx.eventBus());
        for (String queue : queues.fieldNames()) {
            local.announceRemote(queue, queues.getInteger(queue, 1));
        }
    }

    private void flush() {
        flushScheduled = false;
        if (pending.isEmpty() || !channel.connected()) {
            pending.clear();
            return;
        }
        Map<String, Integer> batch = pending;
        pending = new HashMap<>();
        JsonObject queues = new JsonObject();
        int size = 0;
        for (Map.Entry<String, Integer> e : batch.entrySet()) {
            // a generous estimate of the entry's encoded length (quotes, escapes, digits)
            int entry = e.getKey().length() * 2 + 16;
            if (size + entry > MAX_PAYLOAD && !queues.isEmpty()) {
                send(queues);
                queues = new JsonObject();
                size = 0;
            }
            queues.put(e.getKey(), e.getValue());
            size += entry;
        }
        send(queues);
    }

    private void send(JsonObject queues) {
        if (!queues.isEmpty()) {
            channel.send(KIND, queues);
        }
    }

    @Override
    public Future<?> leave() {
        return localPushes.unregister();
    }
}
