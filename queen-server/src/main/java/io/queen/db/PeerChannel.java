package io.queen.db;

import io.queen.config.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * This process's line to the other servers on the same database, through PostgreSQL
 * LISTEN/NOTIFY on a session connection of its own (never a worker's pool, so a NOTIFY never
 * waits behind the hot path). A message is {@code {"server": <id>, <kind>: {...}}}; each kind
 * belongs to one {@link Member}, and a server's own messages coming back are dropped. One per
 * process; its members run on its context, so none of them needs locking.
 *
 * <p>While the connection is down, messages are dropped on both sides: every member has a
 * slower way of its own to catch up (parked pops re-check on their timer, the maintenance
 * switches are re-read from the database).
 */
public final class PeerChannel extends VerticleBase {
    /** Something that talks to the peers over the channel. */
    public interface Member {
        /** At start, on the channel's context: subscribes to its kind and starts forwarding. */
        void join(Vertx vertx, PeerChannel channel);

        /** At stop, before the connection closes. */
        Future<?> leave();
    }

    private static final Logger LOG = LoggerFactory.getLogger(PeerChannel.class);
    static final String CHANNEL = "queen_messages_available";
    private static final String NOTIFY = SqlFiles.query("notify");

    private final DatabaseSettings connect;
    private final List<Member> members;
    private final String serverId = UUID.randomUUID().toString();
    private final Map<String, Consumer<JsonObject>> receivers = new LinkedHashMap<>();

    private PgConnection connection;
    private boolean stopping;

    public PeerChannel(DatabaseSettings connect, List<Member> members) {
        this.connect = connect;
        this.members = List.copyOf(members);
    }

    /** Messages of {@code kind} from the other servers go to {@code receiver}. */
    public void subscribe(String kind, Consumer<JsonObject> receiver) {
        receivers.put(kind, receiver);
    }

    public boolean connected() {
        return connection != null;
    }

    /** Sends {@code body} as a message of {@code kind} to every other server; dropped while disconnected. */
    public void send(String kind, JsonObject body) {
        if (connection == null) {
            return; // the other servers' polls pick up what they miss
        }
        String payload = new JsonObject().put("server", serverId).put(kind, body).encode();
        connection.preparedQuery(NOTIFY).execute(Tuple.of(CHANNEL, payload))
                .onFailure(e -> LOG.debug("NOTIFY failed: {}", e.toString()));
    }

    @Override
    public Future<?> start() {
        members.forEach(m -> m.join(vertx, this));
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
                            LOG.warn("Lost the LISTEN connection; until it is back, other servers' pushes wake our"
                                    + " long-polls only by their timers, and their maintenance switches reach us"
                                    + " by the periodic re-read");
                            vertx.setTimer(1000, t -> connectAndListen());
                        }
                    });
                })
                .onFailure(e -> vertx.setTimer(1000, t -> connectAndListen()));
    }

    private void received(String payload) {
        JsonObject message;
        try {
            message = new JsonObject(payload);
        } catch (RuntimeException e) {
            return; // not ours
        }
        if (serverId.equals(message.getString("server"))) {
            return;
        }
        for (Map.Entry<String, Consumer<JsonObject>> receiver : receivers.entrySet()) {
            JsonObject body = message.getJsonObject(receiver.getKey());
            if (body != null) {
                receiver.getValue().accept(body);
                return;
            }
        }
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        Future<?> left = Future.succeededFuture();
        for (Member member : members) {
            left = left.compose(v -> member.leave());
        }
        return left.compose(v -> connection == null ? Future.succeededFuture() : connection.close());
    }
}
