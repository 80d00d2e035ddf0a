package io.queen.crypto;

import io.queen.db.SqlFiles;
import io.queen.queue.PushBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * A worker's view of encryption at rest: its cipher (none without QUEEN_ENCRYPTION_KEY) and the
 * names of the queues configured with {@code encryptionEnabled}, read from the database at start
 * and every refresh interval, and updated at once when a worker of this process configures a
 * queue. Queues without encryption cost one empty-set check per push.
 */
public final class Encryption {
    /** Local event bus address: body "queue\tflag" after a configure on any worker of the process. */
    public static final String QUEUE_CHANGED = "queen.encryption.queue";
    private static final Logger LOG = LoggerFactory.getLogger(Encryption.class);
    private static final String SQL = SqlFiles.query("encrypted_queues");

    private final Vertx vertx;
    private final SqlClient db;
    private final PayloadCipher cipher;
    private final int refreshMs;
    /** Replaced, never changed in place; read and written on this worker's event loop only. */
    private Set<String> queues = Set.of();
    private long timer = -1;

    /** @param key 32 bytes, or null when the server has no QUEEN_ENCRYPTION_KEY */
    public Encryption(Vertx vertx, SqlClient db, byte[] key, int refreshMs) {
        this.vertx = vertx;
        this.db = db;
        this.cipher = key == null ? null : new PayloadCipher(key);
        this.refreshMs = refreshMs;
    }

    public boolean available() {
        return cipher != null;
    }

    public Future<Void> start() {
        if (cipher == null) {
            return Future.succeededFuture();
        }
        vertx.eventBus().<String>localConsumer(QUEUE_CHANGED, msg -> {
            String[] parts = msg.body().split("\t", 2);
            Set<String> next = new HashSet<>(queues);
            if (Boolean.parseBoolean(parts[1])) {
                next.add(parts[0]);
            } else {
                next.remove(parts[0]);
            }
            queues = Set.copyOf(next);
        });
        timer = vertx.setPeriodic(refreshMs, id -> refresh());
        return refresh().recover(e -> Future.succeededFuture());
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private Future<Void> refresh() {
        return db.query(SQL).execute().map(rows -> {
            Set<String> names = new HashSet<>();
            for (Row r : rows) {
                names.add(r.getString(0));
            }
            queues = Set.copyOf(names);
            return (Void) null;
        }).onFailure(e -> LOG.debug("Encrypted queue list not refreshed: {}", e.getMessage()));
    }

    /** Tells every worker of this process that a queue's encryption flag is now {@code enabled}. */
    public static void announce(Vertx vertx, String queue, boolean enabled) {
        vertx.eventBus().publish(QUEUE_CHANGED, queue + "\t" + enabled);
    }

    /** Encrypts the payloads of the batch's items that go to encrypted queues. */
    public void seal(PushBatch batch) {
        if (cipher != null && !queues.isEmpty()) {
            batch.encrypt(queues::contains, cipher::encrypt);
        }
    }

    /** A stored payload as the client sees it: the JSON text, or the reason it cannot be shown. */
    public record Readable(String json, String error) {
    }

    private static final Readable NO_KEY = new Readable(null,
            "payload is encrypted and this server has no QUEEN_ENCRYPTION_KEY");

    /** The cheap test every read path runs first: false for every payload that is not an envelope. */
    public static boolean mayBeEncrypted(String stored) {
        return stored != null && stored.startsWith("{\"iv\": ");
    }

    /**
     * Decrypts a payload read from {@code messages.payload::text} if it is an encrypted envelope.
     * PostgreSQL prints a jsonb object's keys shortest first, so an envelope's text starts with
     * {@code {"iv": }: every other payload is passed through after one prefix comparison.
     */
    public Readable read(String stored) {
        if (!mayBeEncrypted(stored)) {
            return new Readable(stored, null);
        }
        PayloadCipher.Envelope envelope = PayloadCipher.Envelope.of(stored);
        if (envelope == null) {
            return new Readable(stored, null);
        }
        if (cipher == null) {
            return NO_KEY;
        }
        try {
            return new Readable(cipher.decrypt(envelope), null);
        } catch (PayloadCipher.UndecryptableException e) {
            return new Readable(null, e.getMessage());
        }
    }
}
