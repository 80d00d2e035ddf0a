package io.queen;

import io.queen.bench.WindowedSum;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once under faults. A windowed sum (per source partition, key and window) runs the
 * way the SDKs run it, and its consumer is killed at random points: after a pop (its leased
 * messages and everything it computed are abandoned), after reading state (the cycle it was
 * about to send is kept and sent much later, by a "zombie" that lost its lease), or right after
 * a cycle (the answer is never read). A new consumer starts from the server's state each time.
 * At the end the sums in the sink are exactly those computed from the input: nothing lost,
 * nothing counted twice, no window emitted twice.
 */
class StreamsExactlyOnceTest {
    private static final long SEED = Long.getLong("queen.streams.seed", 20261202L);
    private static final int PARTITIONS = 4;
    private static final int EVENTS = 240;
    private static final int EVENTS_PER_WINDOW = 10;
    private static final String[] KEYS = {"a", "b", "c"};

    private final Http http = TestServer.shared().http;
    private final StreamsClient streams = new StreamsClient(http);
    private final Random random = new Random(SEED);

    private String name;
    private String queryId;
    private String source;
    private String sink;
    private int kills;
    private final List<JsonObject> zombies = new ArrayList<>();

    @Test
    void aConsumerKilledAnywhereNeitherLosesNorDoublesAnAggregate() throws Exception {
        name = "sums-" + UUID.randomUUID();
        source = QueueClient.uniqueQueue();
        sink = QueueClient.uniqueQueue();
        assertEquals(200, http.post("/api/v1/configure", new JsonObject().put("queue", source)
                .put("options", new JsonObject().put("leaseTime", 1))).status());
        queryId = streams.register(name, source, sink, "sum-v1", false);
        Map<String, Long> expected = pushInput();

        long deadline = System.currentTimeMillis() + 90_000;
        while (consumed() < EVENTS) {
            assertTrue(System.currentTimeMillis() < deadline, "seed " + SEED + ": consumed only " + consumed());
            runConsumerUntilKilled();
        }
        // the zombies' cycles, sent long after their leases ended, all fail
        Thread.sleep(1_200);
        for (JsonObject zombie : zombies) {
            JsonObject answer = streams.cycle(zombie);
            assertEquals(false, answer.getValue("success"), "seed " + SEED + ": a zombie committed " + answer.encode());
        }
        flushOpenWindows();

        Map<String, Long> sunk = new TreeMap<>();
        for (JsonObject message : streams.drain(sink)) {
            JsonObject emit = message.getJsonObject("data");
            String window = emit.getString("partition") + "/" + emit.getString("k") + "/" + emit.getInteger("w");
            Long previous = sunk.put(window, emit.getLong("sum"));
            assertEquals(null, previous, "seed " + SEED + ": window emitted twice: " + window);
        }
        assertEquals(new TreeMap<>(expected), sunk, "seed " + SEED + " after " + kills + " kills");
        assertTrue(kills >= 3, "the run must actually kill consumers (seed " + SEED + "): " + kills);
        assertTrue(!zombies.isEmpty(), "the run must leave zombies (seed " + SEED + ")");
    }

    /** Pushes the input (round robin over the partitions) and returns the true sums per window. */
    private Map<String, Long> pushInput() {
        Map<String, Long> sums = new HashMap<>();
        int[] seq = new int[PARTITIONS];
        JsonArray items = new JsonArray();
        for (int i = 0; i < EVENTS; i++) {
            int p = i % PARTITIONS;
            int w = seq[p]++ / EVENTS_PER_WINDOW;
            String k = KEYS[random.nextInt(KEYS.length)];
            int v = 1 + random.nextInt(100);
            items.add(StreamsClient.sinkItem(source, "p" + p, new JsonObject().put("k", k).put("v", v).put("w", w))
                    .put("transactionId", "e" + i));
            sums.merge("p" + p + "/" + k + "/" + w, (long) v, Long::sum);
        }
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
        return sums;
    }

    private long consumed() {
        return http.get("/api/v1/streams/queries/" + name).json().getJsonObject("query").getLong("messagesConsumed");
    }

    /** One consumer's life: pop, compute, cycle, until a fault kills it or nothing is left. */
    private void runConsumerUntilKilled() throws InterruptedException {
        while (consumed() < EVENTS) {
            JsonArray popped = streams.pop(source, StreamsClient.group(name), 7, 2, 0);
            if (popped.isEmpty()) {
                Thread.sleep(100); // the rest is leased by a dead consumer until its lease ends
                continue;
            }
            if (killed(0.10)) {
                return; // after the pop: its leased messages wait for the lease to end
            }
            for (List<JsonObject> batch : StreamsClient.byPartition(popped).values()) {
                String partitionId = batch.get(0).getString("partitionId");
                Map<String, Object> state = streams.state(queryId, partitionId);
                JsonObject cycle = compute(partitionId, batch.get(0).getString("partition"), batch, state);
                if (killed(0.10)) {
                    zombies.add(cycle); // it wakes up later and sends what it computed
                    return;
                }
                JsonObject answer = streams.cycle(cycle);
                assertEquals(true, answer.getValue("success"), "seed " + SEED + ": " + answer.encode());
                if (killed(0.05)) {
                    return; // committed, the answer is never read
                }
            }
        }
    }

    private boolean killed(double probability) {
        if (random.nextDouble() < probability) {
            kills++;
            return true;
        }
        return false;
    }

    /** The reducer (the benchmark's windowed sum): a cycle acking the batch. */
    private JsonObject compute(String partitionId, String partition, List<JsonObject> batch,
                               Map<String, Object> state) {
        WindowedSum.Step step = WindowedSum.reduce(state, batch);
        return StreamsClient.cycleBody(queryId, partitionId, StreamsClient.group(name), step.stateOps(),
                emits(partition, step), StreamsClient.ackOf(batch));
    }

    private JsonArray emits(String partition, WindowedSum.Step step) {
        JsonArray emits = new JsonArray();
        for (WindowedSum.Closed w : step.closed()) {
            emits.add(StreamsClient.sinkItem(sink, partition, new JsonObject().put("partition", partition)
                    .put("k", w.key()).put("w", w.window()).put("sum", w.sum())));
        }
        return emits;
    }

    /** Once the input is consumed: the idle flush, an ack-less cycle per partition. */
    private void flushOpenWindows() {
        for (int i = 0; i < PARTITIONS; i++) {
            String partitionId = partitionId("p" + i);
            WindowedSum.Step step = WindowedSum.flush(streams.state(queryId, partitionId));
            JsonObject answer = streams.cycle(StreamsClient.cycleBody(queryId, partitionId, StreamsClient.group(name),
                    step.stateOps(), emits("p" + i, step), null));
            assertEquals(true, answer.getValue("success"), answer.encode());
        }
    }

    private String partitionId(String partition) {
        JsonArray partitions = http.get("/api/v1/streams/queries/" + name).json().getJsonArray("partitions");
        for (int i = 0; i < partitions.size(); i++) {
            if (partition.equals(partitions.getJsonObject(i).getString("partition"))) {
                return partitions.getJsonObject(i).getString("partitionId");
            }
        }
        throw new AssertionError("no partition " + partition + " in " + partitions.encode());
    }
}
