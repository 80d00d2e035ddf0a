package io.queen.http;

import io.queen.crypto.Encryption;
import io.queen.admin.QueueAdmin;
import io.queen.admin.QueueOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;

import java.util.concurrent.TimeUnit;

import static io.queen.http.MessageRoutes.guard;

/** Health and queue configuration (spec 3.1, 3.2). */
final class AdminRoutes {
    private final int workerId;
    private final SqlClient db;
    private final QueueAdmin queues;
    /** Whether this server has QUEEN_ENCRYPTION_KEY. */
    private final boolean encryptionKey;
    private final long healthTimeoutMs;

    /**
     * @param healthTimeoutMs /health answers 503 when the database has not answered by then: a
     *                        supervisor must learn that a silent database is down, not hang
     */
    AdminRoutes(int workerId, SqlClient db, QueueAdmin queues, boolean encryptionKey,
                long healthTimeoutMs) {
        this.healthTimeoutMs = healthTimeoutMs;
        this.encryptionKey = encryptionKey;
        this.workerId = workerId;
        this.db = db;
        this.queues = queues;
    }

    void mount(Router router) {
        router.get("/health").handler(this::health);
        router.post("/api/v1/configure").handler(guard(this::configure));
    }

    private void health(RoutingContext ctx) {
        db.query("SELECT 1").execute().timeout(healthTimeoutMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
            boolean ok = ar.succeeded();
            Responses.json(ctx, ok ? 200 : 503, new JsonOut().beginObject()
                    .field("status", ok ? "healthy" : "unhealthy")
                    .field("database", ok ? "connected" : "disconnected")
                    .field("server", "Queen JVM (Vert.x)")
                    .field("worker_id", workerId)
                    .field("version", "1.0.0")
                    .name("shared_state").beginObject().field("enabled", false).endObject()
                    .name("queen").beginObject().field("worker_id", workerId).field("status", "active").endObject()
                    .endObject().toString());
        });
    }

    private void configure(RoutingContext ctx) {
        JsonObject body = Bodies.object(ctx);
        if (!(body.getValue("queue") instanceof String)) {
            throw ApiError.badRequest("queue is required");
        }
        String queue = Names.queue(body.getString("queue"));
        String namespace = Names.name(body.getValue("namespace") instanceof String ? body.getString("namespace") : "",
                "namespace");
        String task = Names.name(body.getValue("task") instanceof String ? body.getString("task") : "", "task");
        Object rawOptions = body.getValue("options");
        if (rawOptions != null && !(rawOptions instanceof JsonObject)) {
            throw ApiError.badRequest("options must be an object");
        }
        JsonObject o = rawOptions == null ? new JsonObject() : (JsonObject) rawOptions;
        // left out: null, which configure resets to the default (spec 1.2)
        QueueOptions.Requested options = new QueueOptions.Requested(
                nonNegative(o, "leaseTime"), nonNegative(o, "maxSize"), nonNegative(o, "ttl"),
                nonNegative(o, "retryLimit"), nonNegative(o, "retryDelay"),
                flag(o, "deadLetterQueue"), flag(o, "dlqAfterMaxRetries"),
                integer(o, "priority"),
                nonNegative(o, "delayedProcessing"), nonNegative(o, "windowBuffer"),
                nonNegative(o, "retentionSeconds"), nonNegative(o, "completedRetentionSeconds"),
                flag(o, "retentionEnabled"), encryption(o), nonNegative(o, "maxWaitTimeSeconds"));
        Responses.json(ctx, queues.configure(queue, namespace, task, options), c -> {
            QueueOptions s = c.options();
            if (encryptionKey) {
                Encryption.announce(ctx.vertx(), queue, s.encryptionEnabled());
            }
            return new JsonOut().beginObject()
                    .field("configured", true)
                    .field("queueId", c.queueId())
                    .field("partitionId", c.defaultPartitionId())
                    .field("queue", queue)
                    .field("namespace", c.namespace())
                    .field("task", c.task())
                    .name("options").beginObject()
                    .field("priority", s.priority())
                    .field("leaseTime", s.leaseTime())
                    .field("retryLimit", s.retryLimit())
                    .field("retryDelay", s.retryDelay())
                    .field("maxSize", s.maxSize())
                    .field("ttl", s.ttl())
                    .field("deadLetterQueue", s.deadLetterQueue())
                    .field("dlqAfterMaxRetries", s.dlqAfterMaxRetries())
                    .field("delayedProcessing", s.delayedProcessing())
                    .field("windowBuffer", s.windowBuffer())
                    .field("retentionSeconds", s.retentionSeconds())
                    .field("completedRetentionSeconds", s.completedRetentionSeconds())
                    .field("retentionEnabled", s.retentionEnabled())
                    .field("encryptionEnabled", s.encryptionEnabled())
                    .field("maxWaitTimeSeconds", s.maxWaitTimeSeconds())
                    .endObject().endObject().toString();
        });
    }

    /**
     * A queue asking for encryption on a server without a key is refused: the reference
     * answers true and stores its payloads in clear.
     */
    private Boolean encryption(JsonObject options) {
        Boolean wanted = flag(options, "encryptionEnabled");
        if (Boolean.TRUE.equals(wanted) && !encryptionKey) {
            throw ApiError.badRequest("options.encryptionEnabled needs QUEEN_ENCRYPTION_KEY on the server; "
                    + "without it payloads would be stored in clear");
        }
        return wanted;
    }

    private static Integer nonNegative(JsonObject options, String name) {
        Integer value = integer(options, name);
        if (value != null && value < 0) {
            throw ApiError.badRequest("options." + name + " must not be negative");
        }
        return value;
    }

    /** The option's value, or null when the request left it out (or sent null). */
    private static Integer integer(JsonObject options, String name) {
        if (options.getValue(name) == null) {
            return null;
        }
        try {
            return Bodies.integer(options, name, 0);
        } catch (ApiError e) {
            throw ApiError.badRequest("options." + e.getMessage());
        }
    }

    private static Boolean flag(JsonObject options, String name) {
        if (options.getValue(name) == null) {
            return null;
        }
        try {
            return Bodies.bool(options, name, false);
        } catch (ApiError e) {
            throw ApiError.badRequest("options." + e.getMessage());
        }
    }


}
