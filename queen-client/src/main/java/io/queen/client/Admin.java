package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.queen.client.Transport.enc;

/**
 * Administration and inspection ({@code queen.admin()}). The answers are wide and loosely typed,
 * so they come as Jackson trees, exactly as the server sends them (field names in the HTTP API
 * spec). Reads and idempotent writes are retried like other calls; a failure throws
 * {@link QueenException} with the HTTP status.
 *
 * <pre>{@code
 * Admin admin = queen.admin();
 * admin.configure("orders", QueueOptions.builder().leaseTime(60).build());
 * JsonNode lag = admin.consumerGroup("billing");
 * admin.seekToEnd("billing", "orders");
 * JsonNode dead = admin.dlq("orders", null, 50, 0);
 * }</pre>
 */
public final class Admin {
    private final Queen queen;
    private final Transport t;

    Admin(Queen queen) {
        this.queen = queen;
        this.t = queen.transport;
    }

    private JsonNode get(String path, Map<String, ?> params) {
        return t.json("GET", Transport.query(path, params == null ? Map.of() : params), null, Transport.Retry.IDEMPOTENT);
    }

    private JsonNode get(String path) {
        return get(path, null);
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /**
     * Any endpoint, for what has no method here: {@code method} and {@code path} (with its query
     * string, e.g. {@code /api/v1/analytics/queue-ops?queue=orders}), a body (a {@code JsonNode},
     * any object Jackson can write, JSON text as {@code byte[]}, or null). GET, HEAD and DELETE are
     * retried like other reads; anything else only when it never reached a server. An empty
     * answer is null.
     */
    public JsonNode call(String method, String path, Object body) {
        String m = method.toUpperCase(java.util.Locale.ROOT);
        boolean idempotent = m.equals("GET") || m.equals("HEAD") || m.equals("DELETE");
        return t.json(m, path, body, idempotent ? Transport.Retry.IDEMPOTENT : Transport.Retry.UNSENT_ONLY);
    }

    // ---- queues ------------------------------------------------------------------------------

    /** Creates or replaces a queue's options (full upsert: left-out options go back to defaults). */
    public JsonNode configure(String queue, QueueOptions options) {
        ObjectNode body = queen.mapper.createObjectNode().put("queue", queue);
        (options == null ? QueueOptions.builder().build() : options).writeTo(body);
        return t.json("POST", "/api/v1/configure", body, Transport.Retry.IDEMPOTENT);
    }

    /** {@code GET /api/v1/resources/queues}: every queue with partition and message counts. */
    public JsonNode queues() {
        return get("/api/v1/resources/queues");
    }

    /** {@code GET /api/v1/resources/queues/:queue}: one queue with its partitions (404 if unknown). */
    public JsonNode queue(String queue) {
        return get("/api/v1/resources/queues/" + enc(queue));
    }

    /** Deletes a queue with everything in it; true if it existed. */
    public boolean deleteQueue(String queue) {
        JsonNode r = t.json("DELETE", "/api/v1/resources/queues/" + enc(queue), null, Transport.Retry.IDEMPOTENT);
        return r != null && r.path("existed").asBoolean(false);
    }

    /**
     * Deletes every message of a queue and keeps the queue, its settings and consumer groups.
     *
     * @return how many messages were deleted
     * @throws QueenException (404) when the queue does not exist
     */
    public long clearQueue(String queue) {
        JsonNode r = t.json("DELETE", "/api/v1/queues/" + enc(queue) + "/clear", null, Transport.Retry.IDEMPOTENT);
        return r == null ? 0 : r.path("deleted").asLong();
    }

    /** {@code GET /api/v1/resources/namespaces}. */
    public JsonNode namespaces() {
        return get("/api/v1/resources/namespaces");
    }

    /** {@code GET /api/v1/resources/tasks}. */
    public JsonNode tasks() {
        return get("/api/v1/resources/tasks");
    }

    /** {@code GET /api/v1/resources/overview}: totals, lag, throughput. */
    public JsonNode overview() {
        return get("/api/v1/resources/overview");
    }

    // ---- messages ----------------------------------------------------------------------------

    /**
     * {@code GET /api/v1/messages}: message listing (no payloads). Filters by wire name:
     * {@code queue, partition, ns, task, status (pending|processing|completed|dead_letter), from, to, limit, offset}.
     */
    public JsonNode messages(Map<String, ?> filters) {
        return get("/api/v1/messages", filters);
    }

    /** One message with its payload, status and consumer groups (404 if unknown). */
    public JsonNode message(String partitionId, String transactionId) {
        return get("/api/v1/messages/" + enc(partitionId) + "/" + enc(transactionId));
    }

    /** Deletes a message; true if it existed. */
    public boolean deleteMessage(String partitionId, String transactionId) {
        JsonNode r = t.json("DELETE", "/api/v1/messages/" + enc(partitionId) + "/" + enc(transactionId), null,
                Transport.Retry.IDEMPOTENT);
        return r != null && r.path("success").asBoolean(false);
    }

    /** Requeues a dead letter as the newest message of its partition (409 when that would deliver it twice). */
    public JsonNode retryMessage(String partitionId, String transactionId) {
        return t.json("POST", "/api/v1/messages/" + enc(partitionId) + "/" + enc(transactionId) + "/retry",
                "{}".getBytes(StandardCharsets.UTF_8), Transport.Retry.UNSENT_ONLY);
    }

    /** Moves a message to the dead-letter queue of {@code consumerGroup} (null: queue mode). */
    public JsonNode moveToDlq(String partitionId, String transactionId, String consumerGroup, String errorMessage) {
        ObjectNode body = queen.mapper.createObjectNode();
        if (consumerGroup != null) {
            body.put("consumerGroup", consumerGroup);
        }
        if (errorMessage != null) {
            body.put("errorMessage", errorMessage);
        }
        return t.json("POST", "/api/v1/messages/" + enc(partitionId) + "/" + enc(transactionId) + "/dlq", body,
                Transport.Retry.UNSENT_ONLY);
    }

    // ---- dead letters ------------------------------------------------------------------------

    /** {@code GET /api/v1/dlq}: dead letters, newest failure first ({@code messages}, {@code total}); nulls are left out. */
    public JsonNode dlq(String queue, String consumerGroup, int limit, int offset) {
        return dlq(params("queue", queue, "consumerGroup", consumerGroup, "limit", limit, "offset", offset));
    }

    /** {@code GET /api/v1/dlq} with any filters ({@code queue, consumerGroup, partition, from, to, limit, offset}). */
    public JsonNode dlq(Map<String, ?> filters) {
        return get("/api/v1/dlq", filters);
    }

    /** Requeues every dead letter of a listing answer ({@link #dlq}); returns how many were requeued. */
    public int retryDlq(JsonNode dlqListing) {
        int n = 0;
        for (JsonNode m : dlqListing.path("messages")) {
            retryMessage(m.path("partitionId").asText(), m.path("transactionId").asText());
            n++;
        }
        return n;
    }

    // ---- consumer groups ---------------------------------------------------------------------

    /** {@code GET /api/v1/consumer-groups}: one element per (group, queue). */
    public JsonNode consumerGroups() {
        return get("/api/v1/consumer-groups");
    }

    /** One group's partitions per queue, with offset and time lag. */
    public JsonNode consumerGroup(String group) {
        return get("/api/v1/consumer-groups/" + enc(group));
    }

    /** Partitions lagging more than {@code minLagSeconds}, most lagging first. */
    public JsonNode laggingConsumerGroups(long minLagSeconds) {
        return get("/api/v1/consumer-groups/lagging", params("minLagSeconds", minLagSeconds));
    }

    /** Deletes a group's positions on every queue (and its subscription, if {@code deleteMetadata}). */
    public JsonNode deleteConsumerGroup(String group, boolean deleteMetadata) {
        return t.json("DELETE", Transport.query("/api/v1/consumer-groups/" + enc(group),
                params("deleteMetadata", deleteMetadata)), null, Transport.Retry.IDEMPOTENT);
    }

    /** Deletes a group's positions on one queue. */
    public JsonNode deleteConsumerGroup(String group, String queue, boolean deleteMetadata) {
        return t.json("DELETE", Transport.query("/api/v1/consumer-groups/" + enc(group) + "/queues/" + enc(queue),
                params("deleteMetadata", deleteMetadata)), null, Transport.Retry.IDEMPOTENT);
    }

    /** Moves a group to the end of a queue: everything there now counts as consumed. */
    public JsonNode seekToEnd(String group, String queue) {
        ObjectNode body = queen.mapper.createObjectNode().put("toEnd", true);
        return t.json("POST", "/api/v1/consumer-groups/" + enc(group) + "/queues/" + enc(queue) + "/seek", body,
                Transport.Retry.IDEMPOTENT);
    }

    /** Moves a group so that it next receives the messages stored after {@code time}. */
    public JsonNode seek(String group, String queue, Instant time) {
        ObjectNode body = queen.mapper.createObjectNode().put("timestamp", time.toString());
        return t.json("POST", "/api/v1/consumer-groups/" + enc(group) + "/queues/" + enc(queue) + "/seek", body,
                Transport.Retry.IDEMPOTENT);
    }

    /** Moves a group to the end of one partition. */
    public JsonNode seekPartitionToEnd(String group, String queue, String partition) {
        return t.json("POST", "/api/v1/consumer-groups/" + enc(group) + "/queues/" + enc(queue) + "/partitions/"
                + enc(partition) + "/seek", "{}".getBytes(StandardCharsets.UTF_8), Transport.Retry.IDEMPOTENT);
    }

    /** Moves the subscription start of a group (on every queue) to {@code time}; cursors stay. */
    public JsonNode subscription(String group, Instant time) {
        ObjectNode body = queen.mapper.createObjectNode().put("subscriptionTimestamp", time.toString());
        return t.json("POST", "/api/v1/consumer-groups/" + enc(group) + "/subscription", body,
                Transport.Retry.IDEMPOTENT);
    }

    // ---- maintenance -------------------------------------------------------------------------

    /** Push maintenance state: {@code maintenanceMode}, buffered message counts. */
    public JsonNode maintenance() {
        return get("/api/v1/system/maintenance");
    }

    /** Turns push maintenance on (pushes go to the servers' file buffers) or off (they are replayed). */
    public JsonNode maintenance(boolean enabled) {
        return t.json("POST", "/api/v1/system/maintenance", queen.mapper.createObjectNode().put("enabled", enabled),
                Transport.Retry.IDEMPOTENT);
    }

    /** Pop maintenance state: {@code popMaintenanceMode}. */
    public JsonNode popMaintenance() {
        return get("/api/v1/system/maintenance/pop");
    }

    /** Turns pop maintenance on (every pop answers empty at once) or off. */
    public JsonNode popMaintenance(boolean enabled) {
        return t.json("POST", "/api/v1/system/maintenance/pop", queen.mapper.createObjectNode().put("enabled", enabled),
                Transport.Retry.IDEMPOTENT);
    }

    // ---- status, metrics, traces ------------------------------------------------------------

    /** {@code GET /api/v1/status} (dashboard summary); filters {@code from, to, queue, namespace, task}. */
    public JsonNode status(Map<String, ?> filters) {
        return get("/api/v1/status", filters);
    }

    /** {@code GET /api/v1/status/queues}; filters {@code namespace, task, limit, offset}. */
    public JsonNode statusQueues(Map<String, ?> filters) {
        return get("/api/v1/status/queues", filters);
    }

    /** {@code GET /api/v1/status/queues/:queue}: config, partitions, totals. */
    public JsonNode statusQueue(String queue) {
        return get("/api/v1/status/queues/" + enc(queue));
    }

    /** {@code GET /api/v1/status/queues/:queue/messages}: newest first. */
    public JsonNode statusQueueMessages(String queue, int limit, int offset) {
        return get("/api/v1/status/queues/" + enc(queue) + "/messages", params("limit", limit, "offset", offset));
    }

    /** {@code GET /api/v1/status/buffers}: the answering server's file buffer. */
    public JsonNode buffers() {
        return get("/api/v1/status/buffers");
    }

    /** {@code GET /api/v1/analytics/:name} ({@code queue-lag, queue-ops, retention, postgres-stats, ...}). */
    public JsonNode analytics(String name, Map<String, ?> filters) {
        return get("/api/v1/analytics/" + name, filters);
    }

    /** {@code POST /api/v1/stats/refresh}: recompute the statistics now. */
    public JsonNode refreshStats() {
        return t.json("POST", "/api/v1/stats/refresh", "{}".getBytes(StandardCharsets.UTF_8), Transport.Retry.IDEMPOTENT);
    }

    /** {@code GET /health}. */
    public JsonNode health() {
        return queen.health();
    }

    /** {@code GET /metrics} (JSON summary). */
    public JsonNode metrics() {
        return get("/metrics");
    }

    /** {@code GET /metrics/prometheus}: the Prometheus text exposition. */
    public String prometheus() {
        Transport.Response r = Transport.await(t.send(t.shared, "GET", "/metrics/prometheus", null, null,
                Transport.Retry.IDEMPOTENT));
        if (!r.ok()) {
            throw new QueenException(r.status(), t.errorText(r));
        }
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The trace events recorded for one message, oldest first. */
    public JsonNode traces(String partitionId, String transactionId) {
        return get("/api/v1/traces/" + enc(partitionId) + "/" + enc(transactionId));
    }

    /** The trace events carrying {@code traceName}. */
    public JsonNode tracesByName(String traceName, int limit, int offset) {
        return get("/api/v1/traces/by-name/" + enc(traceName), params("limit", limit, "offset", offset));
    }

    /** Trace names with their counts, most recent first. */
    public JsonNode traceNames(int limit, int offset) {
        return get("/api/v1/traces/names", params("limit", limit, "offset", offset));
    }

    /** Records a trace event on a message ({@code POST /api/v1/traces}). */
    public JsonNode trace(Message message, String eventType, Object data, String... traceNames) {
        ObjectNode body = queen.mapper.createObjectNode()
                .put("transactionId", message.transactionId())
                .put("partitionId", message.partitionId())
                .put("consumerGroup", message.consumerGroup())
                .put("eventType", eventType == null ? "info" : eventType);
        body.set("data", queen.mapper.valueToTree(data));
        ArrayNode names = body.putArray("traceNames");
        for (String n : traceNames) {
            names.add(n);
        }
        return t.json("POST", "/api/v1/traces", body, Transport.Retry.UNSENT_ONLY);
    }
}
