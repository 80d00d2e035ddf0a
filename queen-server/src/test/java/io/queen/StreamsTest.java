package io.queen;

import io.queen.auth.AccessLevel;
import io.queen.auth.AccessPolicy;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three /streams/v1 routes over HTTP on a real PostgreSQL: every outcome and error path. */
class StreamsTest {
    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);
    private final StreamsClient streams = new StreamsClient(http);

    private static String name() {
        return "q-" + UUID.randomUUID();
    }

    // ---------------------------------------------------------------- queries

    @Test
    void aQueryIsCreatedThenFoundAgainWithTheSameHash() {
        String name = name();
        Http.Response first = http.post("/streams/v1/queries",
                StreamsClient.registration(name, "src", "sink", "h1", false));
        assertEquals(200, first.status(), first.body());
        JsonObject a = first.json();
        assertEquals(true, a.getValue("success"));
        assertEquals(name, a.getString("name"));
        assertEquals("h1", a.getString("config_hash"));
        assertEquals(true, a.getValue("fresh"));
        assertEquals(false, a.getValue("reset"));
        UUID.fromString(a.getString("query_id"));

        JsonObject b = http.post("/streams/v1/queries", StreamsClient.registration(name, "src", null, "h1", false))
                .json();
        assertEquals(a.getString("query_id"), b.getString("query_id"));
        assertEquals(false, b.getValue("fresh"));
        assertEquals(false, b.getValue("reset"));
    }

    @Test
    void anotherHashIsRefusedWith409UnlessResetWhichDeletesTheState() {
        String name = name();
        String source = QueueClient.uniqueQueue();
        String id = streams.register(name, source, null, "h1", false);
        String partition = client.push(source, "p", "m1", 1).getString("partition_id");
        JsonObject committed = streams.cycle(StreamsClient.cycleBody(id, partition, StreamsClient.group(name),
                new JsonArray().add(StreamsClient.upsert("k", new JsonObject().put("acc", 1))), new JsonArray(), null));
        assertEquals(true, committed.getValue("success"), committed.encode());

        Http.Response refused = http.post("/streams/v1/queries", StreamsClient.registration(name, source, null, "h2", false));
        assertEquals(409, refused.status(), refused.body());
        JsonObject body = refused.json();
        assertEquals(false, body.getValue("success"));
        assertEquals(id, body.getString("query_id"));
        assertEquals(name, body.getString("name"));
        assertTrue(body.getString("error").startsWith("config_hash mismatch: "), body.encode());
        assertEquals(1, streams.state(id, partition).size(), "a refused registration changes nothing");

        // reset:true with the SAME hash is no reset (the reference compares the hash first)
        JsonObject same = http.post("/streams/v1/queries", StreamsClient.registration(name, source, null, "h1", true))
                .json();
        assertEquals(false, same.getValue("reset"));
        assertEquals(1, streams.state(id, partition).size());

        JsonObject reset = http.post("/streams/v1/queries", StreamsClient.registration(name, source, null, "h2", true))
                .json();
        assertEquals(true, reset.getValue("success"), reset.encode());
        assertEquals(true, reset.getValue("reset"));
        assertEquals(false, reset.getValue("fresh"));
        assertEquals(id, reset.getString("query_id"));
        assertEquals(Map.of(), streams.state(id, partition));
        // the new hash is the stored one now
        assertEquals(200, http.post("/streams/v1/queries", StreamsClient.registration(name, source, null, "h2", false))
                .status());
    }

    @Test
    void registrationsWithoutTheRequiredFieldsAre400() {
        String[][] cases = {
                {"{}", "name is required"},
                {"{\"name\":\"\",\"source_queue\":\"s\",\"config_hash\":\"h\"}", "name is required"},
                {"{\"name\":\"n\",\"config_hash\":\"h\"}", "source_queue is required"},
                {"{\"name\":\"n\",\"source_queue\":7,\"config_hash\":\"h\"}", "source_queue is required"},
                {"{\"name\":\"n\",\"source_queue\":\"s\"}", "config_hash is required"},
                {"{\"name\":\"n\",\"source_queue\":\"s\",\"config_hash\":\"h\",\"reset\":\"yes\"}",
                        "reset must be a boolean"},
                {"[1]", "Request body must be a JSON object"},
        };
        for (String[] c : cases) {
            Http.Response r = http.post("/streams/v1/queries", c[0]);
            assertEquals(400, r.status(), c[0] + " -> " + r.body());
            assertEquals(c[1], r.json().getString("error"), c[0]);
        }
    }

    // ---------------------------------------------------------------- cycle

    /** One popped batch of a streams query on a fresh source, with what the cycle needs. */
    private record Popped(String name, String queryId, String source, String sink, String partitionId,
                          List<JsonObject> batch) {
        String group() {
            return StreamsClient.group(name);
        }
    }

    private Popped popBatch(int messages, int leaseSeconds) {
        String name = name();
        String source = QueueClient.uniqueQueue();
        String sink = QueueClient.uniqueQueue();
        if (leaseSeconds > 0) {
            assertEquals(200, http.post("/api/v1/configure", new JsonObject().put("queue", source)
                    .put("options", new JsonObject().put("leaseTime", leaseSeconds))).status());
        }
        String id = streams.register(name, source, sink, "h", false);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 1; i <= messages; i++) {
            ids.add("m" + i);
        }
        client.pushMany(source, "p1", ids);
        JsonArray popped = streams.pop(source, StreamsClient.group(name), 100, 4, 0);
        assertEquals(messages, popped.size(), popped.encode());
        List<JsonObject> batch = StreamsClient.byPartition(popped).values().iterator().next();
        return new Popped(name, id, source, sink, batch.get(0).getString("partitionId"), batch);
    }

    @Test
    void aCycleCommitsStateSinkPushesAndTheAckTogether() {
        Popped p = popBatch(3, 0);
        JsonObject result = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("tumb:60\u001f2026\u001fa", new JsonObject().put("acc", 6)
                                .put("windowStart", 0).put("windowEnd", 60_000)))
                        .add(StreamsClient.upsert("gone", 1)).add(StreamsClient.delete("gone"))
                        .add(StreamsClient.upsert("__wm__", new JsonObject().put("eventTimeMs", 5))),
                new JsonArray().add(StreamsClient.sinkItem(p.sink(), "p1", new JsonObject().put("sum", 6)))
                        .add(StreamsClient.sinkItem(p.sink(), "p1", new JsonObject().put("sum", 7))),
                StreamsClient.ackOf(p.batch())));
        assertEquals(true, result.getValue("success"), result.encode());
        assertEquals(p.queryId(), result.getString("query_id"));
        assertEquals(p.partitionId(), result.getString("partition_id"));
        assertEquals(p.source(), result.getString("queueName"));
        assertEquals(4, result.getInteger("state_ops_applied"));
        JsonArray pushes = result.getJsonArray("push_results");
        assertEquals(2, pushes.size(), result.encode());
        for (int i = 0; i < 2; i++) {
            JsonObject r = pushes.getJsonObject(i);
            assertEquals(i, r.getInteger("index"));
            assertEquals("queued", r.getString("status"));
            assertEquals(p.sink(), r.getString("queueName"));
            assertNotNull(r.getString("message_id"));
            assertNotNull(r.getString("partition_id"));
        }
        JsonObject ack = result.getJsonObject("ack_result");
        assertEquals(true, ack.getValue("success"));
        assertEquals(3, ack.getInteger("count"));
        assertEquals(true, ack.getValue("lease_released"));
        assertEquals(false, ack.getValue("dlq"));
        assertNull(result.getValue("error"));

        Map<String, Object> state = streams.state(p.queryId(), p.partitionId());
        assertEquals(List.of("__wm__", "tumb:60\u001f2026\u001fa"), List.copyOf(state.keySet()));
        assertEquals(new JsonObject().put("eventTimeMs", 5), state.get("__wm__"));
        // the source is consumed up to the acked message; the sink holds the pushes
        assertEquals(List.of(), client.popTransactionIds(p.source(), p.group(), 10, false));
        Http.Response sinkPop = http.get("/api/v1/pop/queue/" + p.sink() + "?batch=10&autoAck=true");
        assertEquals(200, sinkPop.status(), sinkPop.body());
        JsonArray sunk = sinkPop.json().getJsonArray("messages");
        assertEquals(List.of(6, 7), List.of(sunk.getJsonObject(0).getJsonObject("data").getInteger("sum"),
                sunk.getJsonObject(1).getJsonObject("data").getInteger("sum")));
        // the group's cursor counts the whole batch
        JsonObject overview = http.get("/api/v1/streams/queries/" + p.name()).json();
        assertEquals(3L, overview.getJsonObject("query").getLong("messagesConsumed"), overview.encode());
    }

    @Test
    void aFailingCycleCommitsNothing() {
        Popped p = popBatch(2, 0);
        JsonObject ack = StreamsClient.ackOf(p.batch()).put("transactionId", "no-such-message");
        JsonObject result = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("k", 1)),
                new JsonArray().add(StreamsClient.sinkItem(p.sink(), "p1", 1)), ack));
        assertEquals(false, result.getValue("success"), result.encode());
        assertTrue(result.getString("error").contains("Message not found"), result.encode());
        assertEquals(0, result.getInteger("state_ops_applied"));
        assertEquals(new JsonArray(), result.getJsonArray("push_results"));
        assertNull(result.getValue("ack_result"));
        assertEquals(Map.of(), streams.state(p.queryId(), p.partitionId()));
        assertEquals(204, http.get("/api/v1/pop/queue/" + p.sink()).status(), "the sink push was rolled back");
    }

    @Test
    void aCycleWhoseLeaseExpiredOrWasTakenOverFailsAndTheNewHolderCommits() throws Exception {
        Popped p = popBatch(2, 1);
        JsonObject staleAck = StreamsClient.ackOf(p.batch());
        Thread.sleep(1_500);
        JsonObject expired = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("k", "old")),
                new JsonArray().add(StreamsClient.sinkItem(p.sink(), "p1", 1)), staleAck));
        assertEquals(false, expired.getValue("success"), expired.encode());
        assertTrue(expired.getString("error").contains("Invalid or expired lease"), expired.encode());

        // another consumer takes the partition over; the first one's cycle still fails
        JsonArray again = streams.pop(p.source(), p.group(), 100, 4, 0);
        assertEquals(2, again.size(), again.encode());
        List<JsonObject> batch = StreamsClient.byPartition(again).get(p.partitionId());
        assertTrue(!batch.get(0).getString("leaseId").equals(staleAck.getString("leaseId")));
        JsonObject zombie = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("k", "old")), new JsonArray(), staleAck));
        assertEquals(false, zombie.getValue("success"), zombie.encode());
        JsonObject current = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("k", "new")),
                new JsonArray().add(StreamsClient.sinkItem(p.sink(), "p1", 2)), StreamsClient.ackOf(batch)));
        assertEquals(true, current.getValue("success"), current.encode());
        assertEquals(Map.of("k", "new"), streams.state(p.queryId(), p.partitionId()));
        List<JsonObject> sunk = sinkPayloads(p.sink());
        assertEquals(1, sunk.size(), "only the new holder's push is stored: " + sunk);
        assertEquals(2, sunk.get(0).getInteger("data"));
    }

    private List<JsonObject> sinkPayloads(String sink) {
        Http.Response r = http.get("/api/v1/pop/queue/" + sink + "?batch=100&autoAck=true&consumerGroup=check");
        if (r.status() == 204) {
            return List.of();
        }
        JsonArray messages = r.json().getJsonArray("messages");
        List<JsonObject> out = new java.util.ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(messages.getJsonObject(i));
        }
        return out;
    }

    @Test
    void releaseLeaseFalseKeepsTheLeaseOnTheUnackedRest() {
        Popped p = popBatch(4, 0);
        JsonObject head = StreamsClient.ackOf(p.batch().subList(0, 2));
        JsonObject body = StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(), new JsonArray(),
                new JsonArray(), head).put("release_lease", false);
        JsonObject partial = streams.cycle(body);
        assertEquals(true, partial.getValue("success"), partial.encode());
        assertEquals(false, partial.getJsonObject("ack_result").getValue("lease_released"), partial.encode());
        // still leased: nobody else gets the tail
        assertEquals(List.of(), client.popTransactionIds(p.source(), p.group(), 10, false));
        JsonObject rest = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray(), new JsonArray(), StreamsClient.ackOf(p.batch()).put("count", 2)));
        assertEquals(true, rest.getValue("success"), rest.encode());
        assertEquals(true, rest.getJsonObject("ack_result").getValue("lease_released"));
        assertEquals(4L, http.get("/api/v1/streams/queries/" + p.name()).json().getJsonObject("query")
                .getLong("messagesConsumed"));
    }

    @Test
    void aFailedOrDlqAckDeadLettersTheMessage() {
        Popped p = popBatch(1, 0);
        JsonObject ack = StreamsClient.ackOf(p.batch()).put("status", "dlq").put("error", "bad event");
        JsonObject result = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray(), new JsonArray(), ack));
        assertEquals(true, result.getValue("success"), result.encode());
        assertEquals(true, result.getJsonObject("ack_result").getValue("dlq"));
        assertEquals(true, result.getJsonObject("ack_result").getValue("lease_released"));
        Http.Response dlq = http.get("/api/v1/dlq?queue=" + p.source());
        assertEquals(200, dlq.status(), dlq.body());
        assertTrue(dlq.body().contains("bad event") && dlq.body().contains("m1"), dlq.body());
        assertEquals(List.of(), client.popTransactionIds(p.source(), p.group(), 10, false));
    }

    @Test
    void cyclesOfUnknownQueriesOrWithAnUnknownAckStatusRollBack() {
        Popped p = popBatch(1, 0);
        JsonObject unknownQuery = streams.cycle(StreamsClient.cycleBody(UUID.randomUUID().toString(), p.partitionId(),
                p.group(), new JsonArray().add(StreamsClient.upsert("k", 1)), new JsonArray(), null));
        assertEquals(false, unknownQuery.getValue("success"));
        assertTrue(unknownQuery.getString("error").startsWith("Unknown query_id"), unknownQuery.encode());

        JsonObject badStatus = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("k", 1)), new JsonArray(),
                StreamsClient.ackOf(p.batch()).put("status", "retry")));
        assertEquals(false, badStatus.getValue("success"), badStatus.encode());
        assertTrue(badStatus.getString("error").contains("unknown status"), badStatus.encode());
        assertEquals(Map.of(), streams.state(p.queryId(), p.partitionId()));
    }

    @Test
    void malformedCyclesAre400WithTheReason() {
        String q = UUID.randomUUID().toString();
        String pid = UUID.randomUUID().toString();
        String ids = "\"query_id\":\"" + q + "\",\"partition_id\":\"" + pid + "\"";
        String[][] cases = {
                {"{}", "query_id is required"},
                {"{\"query_id\":\"" + q + "\"}", "partition_id is required"},
                {"{\"query_id\":\"nope\",\"partition_id\":\"" + pid + "\"}", "query_id must be a valid UUID, got 'nope'"},
                {"{" + ids + ",\"state_ops\":{}}", "state_ops must be an array"},
                {"{" + ids + ",\"state_ops\":[{\"type\":\"merge\",\"key\":\"k\"}]}",
                        "state_ops[0].type must be 'upsert' or 'delete'"},
                {"{" + ids + ",\"state_ops\":[{\"type\":\"upsert\"}]}", "state_ops[0].key must be a string"},
                {"{" + ids + ",\"state_ops\":[{\"type\":\"upsert\",\"key\":\"a\\u0000b\"}]}",
                        "state_ops[0].key must not contain \\u0000"},
                {"{" + ids + ",\"push_items\":[{\"payload\":1}]}", "Queue must be a string"},
                {"{" + ids + ",\"ack\":{\"leaseId\":\"x\"}}", "ack.transactionId is required"},
                {"{" + ids + ",\"ack\":{\"transactionId\":\"t\",\"count\":0}}", "ack.count must be a positive integer"},
                {"{" + ids + ",\"ack\":{\"transactionId\":\"t\",\"leaseId\":\"l\"}}",
                        "ack.leaseId must be a valid UUID, got 'l'"},
                {"{" + ids + ",\"ack\":[]}", "ack must be an object or null"},
                {"{" + ids + ",\"release_lease\":\"no\"}", "release_lease must be a boolean"},
                {"[]", "request body must be a JSON object"},
                {"{" + ids, "Invalid JSON: Unexpected end-of-input: expected close marker for Object"},
        };
        for (String[] c : cases) {
            Http.Response r = http.post("/streams/v1/cycle", c[0]);
            assertEquals(400, r.status(), c[0] + " -> " + r.body());
            assertTrue(r.json().getString("error").startsWith(c[1]), c[0] + " -> " + r.body());
        }
    }

    @Test
    void sinkPushesAreDeduplicatedAndWakeAParkedPop() throws Exception {
        Popped p = popBatch(2, 0);
        CompletableFuture<Http.Response> parked = CompletableFuture.supplyAsync(() ->
                http.get("/api/v1/pop/queue/" + p.sink() + "?wait=true&timeout=20000&consumerGroup=waiter"));
        Thread.sleep(500);
        long start = System.nanoTime();
        JsonObject item = StreamsClient.sinkItem(p.sink(), "out", 1).put("transactionId", "emit-1");
        JsonObject first = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray(), new JsonArray().add(item).add(item.copy()), StreamsClient.ackOf(p.batch().subList(0, 1))
                        .put("count", 1)).put("release_lease", false));
        assertEquals(true, first.getValue("success"), first.encode());
        JsonArray results = first.getJsonArray("push_results");
        assertEquals("queued", results.getJsonObject(0).getString("status"));
        assertEquals("duplicate", results.getJsonObject(1).getString("status"));
        assertEquals(results.getJsonObject(0).getString("message_id"), results.getJsonObject(1).getString("message_id"));

        Http.Response woken = parked.get();
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, woken.status(), woken.body());
        assertTrue(waitedMs < 5_000, "the parked pop waited " + waitedMs + " ms");

        JsonObject second = streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray(), new JsonArray().add(item), StreamsClient.ackOf(p.batch()).put("count", 1)));
        assertEquals("duplicate", second.getJsonArray("push_results").getJsonObject(0).getString("status"),
                second.encode());
        assertEquals(1, sinkPayloads(p.sink()).size());
    }

    // ---------------------------------------------------------------- state/get

    @Test
    void stateIsReadByKeysPrefixAndRipeness() {
        Popped p = popBatch(1, 0);
        JsonArray ops = new JsonArray()
                .add(StreamsClient.upsert("tumb:60\u001fw1\u001fa", new JsonObject().put("acc", 1).put("windowEnd", 1000)))
                .add(StreamsClient.upsert("tumb:60\u001fw2\u001fa", new JsonObject().put("acc", 2).put("windowEnd", 2000)))
                .add(StreamsClient.upsert("tumb:60\u001fw3\u001fa", new JsonObject().put("acc", 3).put("windowEnd", "3000")))
                .add(StreamsClient.upsert("slide:60:10\u001fw1\u001fa", new JsonObject().put("windowEnd", 500)))
                .add(StreamsClient.upsert("__wm__", new JsonObject().put("eventTimeMs", 9)))
                .add(StreamsClient.upsert("100%_x", 5));
        assertEquals(true, streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(), ops,
                new JsonArray(), null)).getValue("success"));
        JsonObject base = new JsonObject().put("query_id", p.queryId()).put("partition_id", p.partitionId());

        assertEquals(6, StreamsClient.rows(streams.stateGet(base.copy())).size());
        assertEquals(List.of("__wm__", "tumb:60\u001fw2\u001fa"), List.copyOf(StreamsClient.rows(streams.stateGet(
                base.copy().put("keys", new JsonArray().add("tumb:60\u001fw2\u001fa").add("__wm__").add("none"))))
                .keySet()));
        assertEquals(3, StreamsClient.rows(streams.stateGet(base.copy().put("key_prefix", "tumb:60\u001f"))).size());
        // a prefix is a prefix, not a LIKE pattern
        assertEquals(List.of("100%_x"), List.copyOf(StreamsClient.rows(streams.stateGet(
                base.copy().put("key_prefix", "100%"))).keySet()));
        assertEquals(0, StreamsClient.rows(streams.stateGet(base.copy().put("key_prefix", "1_0"))).size());
        // ripe: windowEnd a number <= the bound (the string "3000" is not a number)
        assertEquals(List.of("tumb:60\u001fw1\u001fa", "tumb:60\u001fw2\u001fa"), List.copyOf(StreamsClient.rows(
                streams.stateGet(base.copy().put("key_prefix", "tumb:60\u001f").put("ripe_at_or_before", 2000)))
                .keySet()));
        assertEquals(List.of("slide:60:10\u001fw1\u001fa", "tumb:60\u001fw1\u001fa"), List.copyOf(StreamsClient.rows(
                streams.stateGet(base.copy().put("ripe_at_or_before", 1000.5))).keySet()));
        JsonObject row = streams.stateGet(base.copy().put("keys", new JsonArray().add("__wm__"))).json()
                .getJsonArray("rows").getJsonObject(0);
        assertNotNull(row.getString("updated_at"));
        // another partition, or another query, sees nothing of it
        assertEquals(0, StreamsClient.rows(streams.stateGet(base.copy().put("partition_id",
                UUID.randomUUID().toString()))).size());
    }

    @Test
    void malformedStateReadsAre400() {
        String q = UUID.randomUUID().toString();
        String[][] cases = {
                {"{}", "query_id and partition_id are required"},
                {"{\"query_id\":\"" + q + "\"}", "query_id and partition_id are required"},
                {"{\"query_id\":\"" + q + "\",\"partition_id\":\"x\"}", "partition_id must be a valid UUID, got 'x'"},
                {"{\"query_id\":\"" + q + "\",\"partition_id\":\"" + q + "\",\"keys\":\"a\"}",
                        "keys must be an array of strings"},
                {"{\"query_id\":\"" + q + "\",\"partition_id\":\"" + q + "\",\"keys\":[1]}",
                        "keys must be an array of strings"},
                {"{\"query_id\":\"" + q + "\",\"partition_id\":\"" + q + "\",\"ripe_at_or_before\":\"5\"}",
                        "ripe_at_or_before must be a number (epoch milliseconds)"},
        };
        for (String[] c : cases) {
            Http.Response r = http.post("/streams/v1/state/get", c[0]);
            assertEquals(400, r.status(), c[0] + " -> " + r.body());
            assertEquals(c[1], r.json().getString("error"), c[0]);
        }
    }

    // ---------------------------------------------------------------- operators, cleanup, access

    @Test
    void theManagementApiShowsQueriesTheirPartitionsAndState() {
        Popped p = popBatch(2, 0);
        assertEquals(true, streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("a", 1)).add(StreamsClient.upsert("b", "xyz")),
                new JsonArray(), StreamsClient.ackOf(p.batch()))).getValue("success"));

        Http.Response list = http.get("/api/v1/streams/queries");
        assertEquals(200, list.status(), list.body());
        JsonObject listed = null;
        JsonArray queries = list.json().getJsonArray("queries");
        for (int i = 0; i < queries.size(); i++) {
            if (p.name().equals(queries.getJsonObject(i).getString("name"))) {
                listed = queries.getJsonObject(i);
            }
        }
        assertNotNull(listed, list.body());
        assertEquals(p.queryId(), listed.getString("id"));
        assertEquals(p.source(), listed.getString("sourceQueue"));
        assertEquals(p.sink(), listed.getString("sinkQueue"));
        assertEquals("streams." + p.name(), listed.getString("consumerGroup"));
        assertEquals(1L, listed.getLong("statePartitions"));
        assertEquals(2L, listed.getLong("stateRows"));
        assertTrue(listed.getLong("stateBytes") > 0, listed.encode());
        assertNotNull(listed.getString("lastStateUpdate"));
        assertEquals(2L, listed.getLong("messagesConsumed"));

        JsonObject details = http.get("/api/v1/streams/queries/" + p.name()).json();
        JsonArray partitions = details.getJsonArray("partitions");
        assertEquals(1, partitions.size(), details.encode());
        JsonObject part = partitions.getJsonObject(0);
        assertEquals(p.partitionId(), part.getString("partitionId"));
        assertEquals("p1", part.getString("partition"));
        assertEquals(p.source(), part.getString("queue"));
        assertEquals(2L, part.getLong("stateRows"));
        assertEquals(2L, part.getLong("messagesConsumed"));
        assertEquals(false, part.getValue("leaseActive"));

        Http.Response missing = http.get("/api/v1/streams/queries/" + name());
        assertEquals(404, missing.status(), missing.body());
    }

    @Test
    void deletingTheQuerysConsumerGroupDeletesItsState() {
        Popped p = popBatch(1, 0);
        assertEquals(true, streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("a", 1)), new JsonArray(), StreamsClient.ackOf(p.batch())))
                .getValue("success"));
        // another query's state on the same partition stays
        String other = name();
        String otherId = streams.register(other, p.source(), null, "h", false);
        streams.cycle(StreamsClient.cycleBody(otherId, p.partitionId(), StreamsClient.group(other),
                new JsonArray().add(StreamsClient.upsert("b", 2)), new JsonArray(), null));

        Http.Response deleted = http.delete("/api/v1/consumer-groups/" + p.group());
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(Map.of(), streams.state(p.queryId(), p.partitionId()));
        assertEquals(Map.of("b", 2), streams.state(otherId, p.partitionId()));
        // the query is still registered: the SDK goes on from the group's subscription
        assertEquals(200, http.get("/api/v1/streams/queries/" + p.name()).status());
    }

    @Test
    void deletingTheGroupForOneQueueDeletesTheStateOfThatQueuesPartitionsOnly() {
        Popped p = popBatch(1, 0);
        String elsewhere = client.push(QueueClient.uniqueQueue(), "x", "e1", 1).getString("partition_id");
        streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("a", 1)), new JsonArray(), null));
        streams.cycle(StreamsClient.cycleBody(p.queryId(), elsewhere, p.group(),
                new JsonArray().add(StreamsClient.upsert("a", 1)), new JsonArray(), null));
        Http.Response deleted = http.delete("/api/v1/consumer-groups/" + p.group() + "/queues/" + p.source());
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(Map.of(), streams.state(p.queryId(), p.partitionId()));
        assertEquals(Map.of("a", 1), streams.state(p.queryId(), elsewhere));
    }

    @Test
    void deletingTheSourceQueueDeletesItsQueriesAndTheStateOfItsPartitions() {
        Popped p = popBatch(1, 0);
        // a query reading another queue but keeping state for this queue's partition (a keyBy)
        String other = name();
        String otherId = streams.register(other, QueueClient.uniqueQueue(), null, "h", false);
        streams.cycle(StreamsClient.cycleBody(otherId, p.partitionId(), StreamsClient.group(other),
                new JsonArray().add(StreamsClient.upsert("b", 2)), new JsonArray(), null));
        streams.cycle(StreamsClient.cycleBody(p.queryId(), p.partitionId(), p.group(),
                new JsonArray().add(StreamsClient.upsert("a", 1)), new JsonArray(), null));

        assertEquals(200, http.delete("/api/v1/resources/queues/" + p.source()).status());
        assertEquals(404, http.get("/api/v1/streams/queries/" + p.name()).status());
        assertEquals(Map.of(), streams.state(otherId, p.partitionId()));
        assertEquals(200, http.get("/api/v1/streams/queries/" + other).status());
        // the sink queue's deletion leaves the query alone
        assertEquals(200, http.delete("/api/v1/resources/queues/" + p.sink()).status());
        assertEquals(200, http.get("/api/v1/streams/queries/" + other).status());
    }

    @Test
    void accessLevelsAreThoseOfTheSpec() {
        assertEquals(AccessLevel.READ_WRITE, AccessPolicy.levelOf(HttpMethod.POST, "/streams/v1/queries"));
        assertEquals(AccessLevel.READ_WRITE, AccessPolicy.levelOf(HttpMethod.POST, "/streams/v1/cycle"));
        assertEquals(AccessLevel.READ_ONLY, AccessPolicy.levelOf(HttpMethod.POST, "/streams/v1/state/get"));
        assertEquals(AccessLevel.READ_ONLY, AccessPolicy.levelOf(HttpMethod.GET, "/api/v1/streams/queries"));
        assertEquals(AccessLevel.READ_ONLY, AccessPolicy.levelOf(HttpMethod.GET, "/api/v1/streams/queries/x"));
        assertEquals(AccessLevel.ADMIN, AccessPolicy.levelOf(HttpMethod.GET, "/streams/v1/cycle"));
        assertFalse(AccessPolicy.levelOf(HttpMethod.DELETE, "/api/v1/streams/queries/x") == AccessLevel.READ_ONLY);
    }
}
