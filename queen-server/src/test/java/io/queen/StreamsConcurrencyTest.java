package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cycles racing on one (query, partition): serialised, atomic, and one lease commits one batch once. */
class StreamsConcurrencyTest {
    private static final int RACERS = 12;

    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);
    private final StreamsClient streams = new StreamsClient(http);

    /** Runs the bodies at the same moment; the responses in order. */
    private List<JsonObject> race(List<JsonObject> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<JsonObject>> answers = new ArrayList<>();
            for (JsonObject body : bodies) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return streams.cycle(body);
                }));
            }
            start.countDown();
            List<JsonObject> out = new ArrayList<>();
            for (Future<JsonObject> f : answers) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ofCyclesAckingTheSameLeasedBatchExactlyOneCommits() throws Exception {
        StreamsClient.Pipeline q = streams.pipeline();
        String queryId = q.queryId();
        client.pushMany(q.source(), "p", List.of("a", "b", "c", "d", "e"));
        JsonArray popped = streams.pop(q.source(), q.group(), 10, 1, 0);
        List<JsonObject> batch = StreamsClient.byPartition(popped).values().iterator().next();
        String partitionId = batch.get(0).getString("partitionId");

        List<JsonObject> bodies = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            bodies.add(StreamsClient.cycleBody(queryId, partitionId, q.group(),
                    new JsonArray().add(StreamsClient.upsert("winner", i)),
                    new JsonArray().add(StreamsClient.sinkItem(q.sink(), "out", new JsonObject().put("racer", i))),
                    StreamsClient.ackOf(batch)));
        }
        List<JsonObject> answers = race(bodies);
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            JsonObject a = answers.get(i);
            if (Boolean.TRUE.equals(a.getValue("success"))) {
                winners.add(i);
            } else {
                assertTrue(a.getString("error").contains("Invalid or expired lease"), a.encode());
            }
        }
        assertEquals(1, winners.size(), "committed: " + winners);
        int winner = winners.get(0);
        assertEquals(Map.of("winner", winner), streams.state(queryId, partitionId));
        Http.Response sunk = http.get("/api/v1/pop/queue/" + q.sink() + "?batch=100&autoAck=true");
        assertEquals(200, sunk.status(), sunk.body());
        JsonArray messages = sunk.json().getJsonArray("messages");
        assertEquals(1, messages.size(), sunk.body());
        assertEquals(winner, messages.getJsonObject(0).getJsonObject("data").getInteger("racer"));
        assertEquals(5L, http.get("/api/v1/streams/queries/" + q.name()).json().getJsonObject("query")
                .getLong("messagesConsumed"));
    }

    @Test
    void concurrentCyclesOnOnePartitionAllApplyWholeAndPushesToSharedSinksDoNotDeadlock() throws Exception {
        StreamsClient.Pipeline q = streams.pipeline();
        String queryId = q.queryId();
        String partitionId = client.push(q.source(), "p", "m", 1).getString("partition_id");
        String other = client.push(q.source(), "p2", "m2", 1).getString("partition_id");

        List<JsonObject> bodies = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            // every cycle rewrites the shared key and adds its own; half push to the sink's
            // partitions in one order, half in the other, and some work on a second partition
            JsonArray pushes = new JsonArray()
                    .add(StreamsClient.sinkItem(q.sink(), i % 2 == 0 ? "x" : "y", new JsonObject().put("n", i)))
                    .add(StreamsClient.sinkItem(q.sink(), i % 2 == 0 ? "y" : "x", new JsonObject().put("n", i)));
            bodies.add(StreamsClient.cycleBody(queryId, i % 3 == 0 ? other : partitionId, q.group(),
                    new JsonArray().add(StreamsClient.delete("shared")).add(StreamsClient.upsert("shared", i))
                            .add(StreamsClient.upsert("own-" + i, i)), pushes, null));
        }
        for (JsonObject answer : race(bodies)) {
            assertEquals(true, answer.getValue("success"), answer.encode());
            assertEquals(3, answer.getInteger("state_ops_applied"));
        }
        Map<String, Object> state = streams.state(queryId, partitionId);
        Map<String, Object> otherState = streams.state(queryId, other);
        assertEquals(RACERS + 2, state.size() + otherState.size(), state + " / " + otherState);
        assertTrue(state.containsKey("shared") && otherState.containsKey("shared"));
        int sinkMessages = 0;
        for (String partition : List.of("x", "y")) {
            Http.Response r = http.get("/api/v1/pop/queue/" + q.sink() + "/partition/" + partition
                    + "?batch=100&autoAck=true");
            assertEquals(200, r.status(), r.body());
            sinkMessages += r.json().getJsonArray("messages").size();
        }
        assertEquals(2 * RACERS, sinkMessages);
    }
}
