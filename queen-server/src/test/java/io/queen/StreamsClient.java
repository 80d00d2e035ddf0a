package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Drives the server the way the streaming SDKs (queen-mq 0.15, JS client-v2/streams and the
 * Python port) do, call for call: register the query, pop the source for the group
 * streams.&lt;queryId&gt; with a batch, wait and a partition count, read a partition's state
 * with keys:[], and commit one cycle per popped partition acking its last message with the
 * message's lease id and count = the messages of that partition.
 */
final class StreamsClient {
    private final Http http;

    StreamsClient(Http http) {
        this.http = http;
    }

    /** Registers and returns the server's query id (asserting 200). */
    String register(String name, String source, String sink, String configHash, boolean reset) {
        Http.Response r = http.post("/streams/v1/queries", registration(name, source, sink, configHash, reset));
        assertEquals(200, r.status(), r.body());
        assertEquals(true, r.json().getValue("success"), r.body());
        return r.json().getString("query_id");
    }

    /** A registered query over a fresh source and sink queue. */
    record Pipeline(String name, String queryId, String source, String sink) {
        String group() {
            return StreamsClient.group(name);
        }
    }

    Pipeline pipeline() {
        String name = "q-" + java.util.UUID.randomUUID();
        String source = QueueClient.uniqueQueue();
        String sink = QueueClient.uniqueQueue();
        return new Pipeline(name, register(name, source, sink, "h", false), source, sink);
    }

    static JsonObject registration(String name, String source, String sink, String configHash, boolean reset) {
        JsonObject body = new JsonObject().put("name", name).put("source_queue", source)
                .put("config_hash", configHash).put("reset", reset);
        if (sink != null) {
            body.put("sink_queue", sink);
        }
        return body;
    }

    static String group(String queryName) {
        return "streams." + queryName;
    }

    /** A pop as the SDK's loop sends it; the messages, empty on 204. */
    JsonArray pop(String queue, String group, int batch, int partitions, int waitMs) {
        String path = "/api/v1/pop/queue/" + queue + "?batch=" + batch + "&consumerGroup=" + group
                + (waitMs > 0 ? "&wait=true&timeout=" + waitMs : "") + (partitions > 1 ? "&partitions=" + partitions : "");
        Http.Response r = http.get(path);
        if (r.status() == 204) {
            return new JsonArray();
        }
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("messages");
    }

    /** Everything not yet read from a queue by the group "verify", auto-acked: the sink's output. */
    List<JsonObject> drain(String queue) {
        List<JsonObject> out = new ArrayList<>();
        while (true) {
            Http.Response r = http.get("/api/v1/pop/queue/" + queue
                    + "?batch=100&partitions=8&autoAck=true&consumerGroup=verify");
            if (r.status() == 204) {
                return out;
            }
            assertEquals(200, r.status(), r.body());
            JsonArray messages = r.json().getJsonArray("messages");
            for (int i = 0; i < messages.size(); i++) {
                out.add(messages.getJsonObject(i));
            }
        }
    }

    /** The popped messages by partition id, in arrival order. */
    static Map<String, List<JsonObject>> byPartition(JsonArray messages) {
        Map<String, List<JsonObject>> groups = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            groups.computeIfAbsent(m.getString("partitionId"), k -> new ArrayList<>()).add(m);
        }
        return groups;
    }

    /** All state rows of a partition (key → value), as the SDK loads them before reducing. */
    Map<String, Object> state(String queryId, String partitionId) {
        return rows(stateGet(new JsonObject().put("query_id", queryId).put("partition_id", partitionId)
                .put("keys", new JsonArray())));
    }

    Http.Response stateGet(JsonObject body) {
        return http.post("/streams/v1/state/get", body);
    }

    static Map<String, Object> rows(Http.Response r) {
        assertEquals(200, r.status(), r.body());
        assertEquals(true, r.json().getValue("success"), r.body());
        Map<String, Object> out = new LinkedHashMap<>();
        JsonArray rows = r.json().getJsonArray("rows");
        for (int i = 0; i < rows.size(); i++) {
            out.put(rows.getJsonObject(i).getString("key"), rows.getJsonObject(i).getValue("value"));
        }
        return out;
    }

    /** The cycle body the SDK's commitCycle builds. */
    static JsonObject cycleBody(String queryId, String partitionId, String group, JsonArray stateOps,
                                JsonArray pushItems, JsonObject ack) {
        return new JsonObject().put("query_id", queryId).put("partition_id", partitionId)
                .put("consumer_group", group).put("state_ops", stateOps).put("push_items", pushItems)
                .put("ack", ack).put("release_lease", true);
    }

    /** The ack of a popped partition batch: its last message, its lease, the batch's size. */
    static JsonObject ackOf(List<JsonObject> batch) {
        JsonObject last = batch.get(batch.size() - 1);
        return new JsonObject().put("transactionId", last.getString("transactionId"))
                .put("leaseId", last.getString("leaseId")).put("status", "completed").put("count", batch.size());
    }

    /** Posts a cycle; the response body (HTTP 200 asserted: the SDK reads success inside). */
    JsonObject cycle(JsonObject body) {
        Http.Response r = http.post("/streams/v1/cycle", body);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static JsonObject upsert(String key, Object value) {
        return new JsonObject().put("type", "upsert").put("key", key).put("value", value);
    }

    static JsonObject delete(String key) {
        return new JsonObject().put("type", "delete").put("key", key);
    }

    static JsonObject sinkItem(String queue, String partition, Object payload) {
        return new JsonObject().put("queue", queue).put("partition", partition).put("payload", payload);
    }
}
