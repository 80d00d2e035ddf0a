package io.queen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The "streams" scenario: a windowed sum run the way the streaming SDKs run one. The source is
 * pre-filled with events {k, v, w} round-robin over its partitions (w: the event's window,
 * a new one every {@value #EVENTS_PER_WINDOW} events of a partition). Each loop pops a batch
 * for the query's group, and per popped partition reads its state (POST /streams/v1/state/get),
 * adds the events to their (key, window) sums, and commits one cycle (POST /streams/v1/cycle)
 * that upserts the open windows, emits and deletes the closed ones into the sink and acks the
 * batch. Timed until every event is consumed; then the open windows are flushed and the
 * sink's sums compared with those of the input. msg/s = events per second; the latencies are
 * those of the cycles.
 */
final class StreamsScenario {
    private static final int EVENTS_PER_WINDOW = 50;
    private static final String[] KEYS = {"a", "b", "c", "d", "e"};
    /** The SDKs' defaults are a batch of 200 over up to 4 partitions; 100 keeps batches per partition small. */
    private static final int POP_BATCH = 100;
    private static final int POP_PARTITIONS = 4;

    private final Vertx vertx;
    private final Http http;
    private final DbCheck db;
    private final BenchOptions options;
    private final Scenarios scenarios;
    private final String source = Scenarios.queueName("streams");
    private final String sink = source + "-out";
    private final String name = source;
    private final String group = "streams." + source;
    /** Events of this run: the timed one, or the warm-up's few before it. */
    private final int events;
    private final String label;
    private final Map<String, String> partitionNames = new ConcurrentHashMap<>();
    /** The timed cycles, and the state reads before them. */
    private final Meter cycles = new Meter();
    private final Meter reads = new Meter();
    private String queryId;

    StreamsScenario(Vertx vertx, Http http, DbCheck db, BenchOptions options, Scenarios scenarios, int events,
                    String label) {
        this.events = events;
        this.label = label;
        this.vertx = vertx;
        this.http = http;
        this.db = db;
        this.options = options;
        this.scenarios = scenarios;
    }

    Result run() {
        Meter setup = new Meter();
        // a batch whose cycle failed (or whose answer was lost) comes back after 10 s, not the
        // default 300: a run then ends late instead of never
        untimed(() -> http.post(setup, setup.lane(), "/api/v1/configure", new JsonObject().put("queue", source)
                .put("options", new JsonObject().put("leaseTime", 10)).encode()));
        Http.Reply registered = untimed(() -> http.post(setup, setup.lane(), "/streams/v1/queries", new JsonObject()
                .put("name", name).put("source_queue", source).put("sink_queue", sink)
                .put("config_hash", "bench-windowed-sum").encode()));
        queryId = registered.body().toJsonObject().getString("query_id");
        Map<String, Long> expected = prefill(setup);
        int total = events;

        Meter meter = new Meter();
        Map<Meter.Lane, Meter.Lane[]> lanes = new ConcurrentHashMap<>();
        LongAdder failedCycles = new LongAdder();
        AtomicLong consumed = new AtomicLong();
        int loops = Math.min(options.connections, options.streamPartitions);
        String pop = "/api/v1/pop/queue/" + source + "?batch=" + POP_BATCH + "&partitions=" + POP_PARTITIONS
                + "&wait=true&timeout=200&consumerGroup=" + group;
        Scenarios.Timed t = scenarios.measure(label, meter, () -> LoadLoop.run(vertx, meter, loops,
                () -> consumed.get() < total,
                lane -> {
                    Meter.Lane[] own = lanes.computeIfAbsent(lane, l -> new Meter.Lane[]{cycles.lane(), reads.lane()});
                    return http.get(meter, lane, pop).compose(reply -> {
                        JsonArray messages = Scenarios.messagesOf(meter, reply);
                        if (messages == null || messages.isEmpty()) {
                            return Future.succeededFuture(0);
                        }
                        Future<Integer> chain = Future.succeededFuture(0);
                        for (List<JsonObject> batch : byPartition(messages)) {
                            chain = chain.compose(done -> processBatch(own, batch, failedCycles)
                                    .map(events -> done + events));
                        }
                        return chain.onSuccess(consumed::addAndGet);
                    });
                }));

        flushOpenWindows(setup);
        Map<String, Long> sunk = new TreeMap<>();
        long emittedTwice = drainSink(setup, sunk);
        long byCursor = db.consumedByCursor(source, group);
        boolean exact = sunk.equals(new TreeMap<>(expected)) && emittedTwice == 0 && byCursor == total
                && failedCycles.sum() == 0;
        long[] cycleLatencies = cycles.sortedLatencies();
        long[] readLatencies = reads.sortedLatencies();
        System.out.printf("%s: %d events over %d partitions in %.1f s: %.0f events/s, %d cycles (%.0f/s),"
                        + " cycle p50 %.2f ms p99 %.2f ms, state/get p50 %.2f ms, failed cycles %d%n",
                label, total, options.streamPartitions, t.seconds, t.perSecond(total), cycleLatencies.length,
                t.perSecond(cycleLatencies.length), Meter.percentileMs(cycleLatencies, 0.50),
                Meter.percentileMs(cycleLatencies, 0.99), Meter.percentileMs(readLatencies, 0.50), failedCycles.sum());
        System.out.printf("exactness: %d windows in the sink, %d expected from the input, %s; %d emitted twice;"
                        + " DB consumed by cursor = %d of %d -> %s%n",
                sunk.size(), expected.size(), sunk.equals(new TreeMap<>(expected)) ? "same sums" : "SUMS DIFFER",
                emittedTwice, byCursor, total, Scenarios.verdict(exact));
        return new Result(label, t.perSecond(total), t.perSecond(cycleLatencies.length),
                Meter.percentileMs(cycleLatencies, 0.50), Meter.percentileMs(cycleLatencies, 0.99), t.cpuPercent,
                t.rssMb, meter.errors.sum() + cycles.errors.sum() + reads.errors.sum(), t.seconds, exact);
    }

    /**
     * An untimed call from this (main) thread, issued on an event loop like every timed one:
     * requests started outside Vert.x now and then waited forever for a pooled connection.
     */
    private <T> T untimed(java.util.function.Supplier<Future<T>> call) {
        io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
        vertx.runOnContext(v -> call.get().onComplete(done));
        return Bench.await(done.future());
    }

    /** Untimed: the events, 100 per push; answers the true sum of every (partition, key, window). */
    private Map<String, Long> prefill(Meter setup) {
        Map<String, Long> sums = new HashMap<>();
        int[] seq = new int[options.streamPartitions];
        JsonArray items = new JsonArray();
        for (int i = 0; i < events; i++) {
            int p = i % options.streamPartitions;
            int w = seq[p]++ / EVENTS_PER_WINDOW;
            String k = KEYS[(i / options.streamPartitions) % KEYS.length];
            int v = i % 100;
            items.add(new JsonObject().put("queue", source).put("partition", "p" + p)
                    .put("payload", new JsonObject().put("k", k).put("v", v).put("w", w)));
            sums.merge("p" + p + "/" + k + "/" + w, (long) v, Long::sum);
            if (items.size() == 100 || i == events - 1) {
                String body = new JsonObject().put("items", items).encode();
                Http.Reply r = untimed(() -> http.post(setup, setup.lane(), "/api/v1/push", body));
                if (!r.ok()) {
                    throw new IllegalStateException("pre-fill push failed: " + r.body());
                }
                items = new JsonArray();
            }
        }
        return sums;
    }

    private static List<List<JsonObject>> byPartition(JsonArray messages) {
        Map<String, List<JsonObject>> groups = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            groups.computeIfAbsent(m.getString("partitionId"), k -> new ArrayList<>()).add(m);
        }
        return new ArrayList<>(groups.values());
    }

    /** state/get, reduce, cycle: answers the events the committed cycle consumed. */
    private Future<Integer> processBatch(Meter.Lane[] own, List<JsonObject> batch, LongAdder failedCycles) {
        JsonObject first = batch.get(0);
        String partitionId = first.getString("partitionId");
        partitionNames.put(partitionId, first.getString("partition"));
        String read = new JsonObject().put("query_id", queryId).put("partition_id", partitionId)
                .put("keys", new JsonArray()).encode();
        return http.post(reads, own[1], "/streams/v1/state/get", read).compose(state -> {
            JsonObject cycle = reduce(partitionId, first.getString("partition"), batch,
                    state.body().toJsonObject().getJsonArray("rows"));
            return http.post(cycles, own[0], "/streams/v1/cycle", cycle.encode());
        }).map(reply -> {
            if (reply.ok() && Boolean.TRUE.equals(reply.body().toJsonObject().getBoolean("success"))) {
                return batch.size();
            }
            failedCycles.increment();
            return 0;
        });
    }

    private JsonObject reduce(String partitionId, String partition, List<JsonObject> batch, JsonArray rows) {
        WindowedSum.Step step = WindowedSum.reduce(stateMap(rows), batch);
        JsonObject last = batch.get(batch.size() - 1);
        return cycle(partitionId, step.stateOps(), emits(partition, step),
                new JsonObject().put("transactionId", last.getString("transactionId"))
                        .put("leaseId", last.getString("leaseId")).put("status", "completed").put("count", batch.size()));
    }

    private static Map<String, Object> stateMap(JsonArray rows) {
        Map<String, Object> state = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            state.put(rows.getJsonObject(i).getString("key"), rows.getJsonObject(i).getValue("value"));
        }
        return state;
    }

    private JsonArray emits(String partition, WindowedSum.Step step) {
        JsonArray emits = new JsonArray();
        for (WindowedSum.Closed w : step.closed()) {
            emits.add(new JsonObject().put("queue", sink).put("partition", partition).put("payload",
                    new JsonObject().put("window", partition + "/" + w.key() + "/" + w.window()).put("sum", w.sum())));
        }
        return emits;
    }

    private JsonObject cycle(String partitionId, JsonArray ops, JsonArray emits, JsonObject ack) {
        return new JsonObject().put("query_id", queryId).put("partition_id", partitionId).put("consumer_group", group)
                .put("state_ops", ops).put("push_items", emits).put("ack", ack).put("release_lease", true);
    }

    /** Untimed: the idle flush once every event is consumed, an ack-less cycle per partition. */
    private void flushOpenWindows(Meter setup) {
        partitionNames.forEach((partitionId, partition) -> {
            String read = new JsonObject().put("query_id", queryId).put("partition_id", partitionId).encode();
            JsonArray rows = untimed(() -> http.post(setup, setup.lane(), "/streams/v1/state/get", read)).body()
                    .toJsonObject().getJsonArray("rows");
            WindowedSum.Step step = WindowedSum.flush(stateMap(rows));
            untimed(() -> http.post(setup, setup.lane(), "/streams/v1/cycle",
                    cycle(partitionId, step.stateOps(), emits(partition, step), null).encode()));
        });
    }

    /** Reads the whole sink into {@code sums}; answers how many windows came more than once. */
    private long drainSink(Meter setup, Map<String, Long> sums) {
        long twice = 0;
        String path = "/api/v1/pop/queue/" + sink + "?batch=1000&partitions=100&autoAck=true&consumerGroup=bench-verify";
        while (true) {
            JsonArray messages = Scenarios.messagesOf(setup, untimed(() -> http.get(setup, setup.lane(), path)));
            if (messages == null || messages.isEmpty()) {
                return twice;
            }
            for (int i = 0; i < messages.size(); i++) {
                JsonObject d = messages.getJsonObject(i).getJsonObject("data");
                if (sums.put(d.getString("window"), d.getLong("sum")) != null) {
                    twice++;
                }
            }
        }
    }
}
