package io.queen.longpoll;

import io.queen.db.Databases;
import io.queen.config.DatabaseSettings;
import io.queen.db.SqlFiles;
import io.queen.maintenance.MaintenanceBus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Wakes long-polls parked on other servers that share the database, and wakes ours when they
 * receive messages, through PostgreSQL LISTEN/NOTIFY. One per process, on a connection of
 * its own: the NOTIFY is sent after the push has committed and been answered, coalesced over
 * a few milliseconds, so the push path neither waits for it nor pays a statement per push.
 * Missed notifications (while the connection is down) cost at most one re-check interval of
 * the parked pops, which re-check on their own timer anyway.
 *
 * <p>Maintenance switches changed through this server's API travel on the same channel, so
 * that the other servers follow within milliseconds rather than at their next poll.
 */
public final class PeerWakeUps extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(PeerWakeUps.class);
    static final String CHANNEL = "queen_messages_available";
    private static final String NOTIFY = SqlFiles.query("notify");
    /** NOTIFY payloads are limited to 8000 bytes; stay well below. */
    private static final int MAX_PAYLOAD = 7000;

    private final DatabaseSettings connect;
    private final long coalesceMs;
    private final String serverId = UUID.randomUUID().toString();

    private PgConnection connection;
    private MessageConsumer<String> localPushes;
    private MessageConsumer<JsonObject> localSwitches;
    private Map<String, Integer> pending = new HashMap<>();
    private boolean flushScheduled;
    private boolean stopping;

    public PeerWakeUps(DatabaseSettings connect, long coalesceMs) {
        this.connect = connect;
        this.coalesceMs = coalesceMs;
    }

    @Override
    public Future<?> start() {
        localPushes = vertx.eventBus().localConsumer(WakeUps.ADDRESS, msg -> {
            if (msg.headers().contains(WakeUps.REMOTE)) {
                return;
            }
            pending.merge(msg.body(), Integer.parseInt(msg.headers().get(WakeUps.PARTITIONS)), WakePolicy::coalesce);
            if (!flushScheduled) {
                flushScheduled = true;
                vertx.setTimer(coalesceMs, t -> flush());
            }
        });
        localSwitches = vertx.eventBus().localConsumer(MaintenanceBus.ADDRESS, msg -> {
            if (MaintenanceBus.FROM_API.equals(msg.headers().get(MaintenanceBus.ORIGIN))) {
                sendPayload(new JsonObject().put("server", serverId).put("maintenance", msg.body()).encode());
            }
        });
        connectAndListen();
        return Future.succeededFuture();
    }

    private void connectAndListen() {
        if (stopping) {
            return;
        }
        Databases.connectDirect(vertx, connect)
                .compose(conn -> conn.query("LISTEN " + CHANNEL).execute().map(conn))
                .onSuccess(conn -> {
                    connection = conn;
                    conn.notificationHandler(n -> received(n.getPayload()));
                    conn.closeHandler(v -> {
                        connection = null;
                        if (!stopping) {
                            LOG.warn("Lost the LISTEN connection; other servers' pushes wake our long-polls "
                                    + "only by their timers until it is back");
                            vertx.setTimer(1000, t -> connectAndListen());
                        }
                    });
                })
                .onFailure(e -> vertx.setTimer(1000, t -> connectAndListen()));
    }

    private void received(String payload) {
        JsonObject wake;
        try {
            wake = new JsonObject(payload);
        } catch (RuntimeException e) {
            return; // not ours
        }
        if (serverId.equals(wake.getString("server"))) {
            return;
        }
        JsonObject maintenance = wake.getJsonObject("maintenance");
        if (maintenance != null) {
            MaintenanceBus.publish(vertx.eventBus(), maintenance, MaintenanceBus.FROM_PEER);
            return;
        }
        JsonObject queues = wake.getJsonObject("queues", new JsonObject());
        WakeUps local = new WakeUps(vertx.eventBus());
        for (String queue : queues.fieldNames()) {
            local.announceRemote(queue, queues.getInteger(queue, 1));
        }
    }

    private void flush() {
        flushScheduled = false;
        if (pending.isEmpty() || connection == null) {
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
        if (queues.isEmpty() || connection == null) {
            return;
        }
        sendPayload(new JsonObject().put("server", serverId).put("queues", queues).encode());
    }

    private void sendPayload(String payload) {
        if (connection == null) {
            return; // the other servers' polls pick up what they miss
        }
        connection.preparedQuery(NOTIFY).execute(Tuple.of(CHANNEL, payload))
                .onFailure(e -> LOG.debug("NOTIFY failed: {}", e.toString()));
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        return localSwitches.unregister()
                .compose(v -> localPushes.unregister())
                .compose(v -> connection == null ? Future.succeededFuture() : connection.close());
    }
}
