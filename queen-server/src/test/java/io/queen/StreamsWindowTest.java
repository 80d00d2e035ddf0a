package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windowed aggregations end to end, driven over HTTP the way the SDKs' runner drives them:
 * state keys {@code <operatorTag>\u001f<windowKey>\u001f<key>} holding
 * {@code {acc, windowStart, windowEnd}}, the event-time watermark under {@code __wm__}
 * ({@code {eventTimeMs}}, already offset by the allowed lateness), late events dropped below
 * it, closed windows emitted to the sink and deleted in the cycle that acks the batch, and the
 * idle flush reading ripe windows with {@code key_prefix} + {@code ripe_at_or_before} and
 * committing an ack-less cycle. Sessions keep {@code sess:<gap>\u001fopen\u001f<key>}.
 */
class StreamsWindowTest {
    private static final String WATERMARK = "__wm__";

    private final Http http = TestServer.shared().http;
    private final QueueClient client = new QueueClient(http);
    private final StreamsClient streams = new StreamsClient(http);

    /** A tumbling (slide = size) or sliding window sum of {@code v} per {@code k}, as the SDK computes it. */
    private final class WindowedSum {
        final StreamsClient.Pipeline q;
        final String tag;
        final long sizeMs;
        final long slideMs;
        final long latenessMs;
        final boolean eventTime;
        int droppedLate;

        WindowedSum(StreamsClient.Pipeline q, String tag, long sizeMs, long slideMs, long latenessMs, boolean eventTime) {
            this.q = q;
            this.tag = tag;
            this.sizeMs = sizeMs;
            this.slideMs = slideMs;
            this.latenessMs = latenessMs;
            this.eventTime = eventTime;
        }

        /** One pop and a cycle per popped partition; false when the pop was empty. */
        boolean step(int batch) {
            JsonArray popped = streams.pop(q.source(), q.group(), batch, 4, 0);
            for (List<JsonObject> messages : StreamsClient.byPartition(popped).values()) {
                cycle(messages);
            }
            return !popped.isEmpty();
        }

        private void cycle(List<JsonObject> messages) {
            String partitionId = messages.get(0).getString("partitionId");
            String partition = messages.get(0).getString("partition");
            Map<String, Object> loaded = streams.state(q.queryId(), partitionId);
            Long watermark = loaded.containsKey(WATERMARK)
                    ? ((JsonObject) loaded.get(WATERMARK)).getLong("eventTimeMs") : null;
            Map<String, JsonObject> windows = new TreeMap<>();
            loaded.forEach((key, value) -> {
                if (key.startsWith(tag + "\u001f")) {
                    windows.put(key, ((JsonObject) value).copy().put("seeded", true));
                }
            });
            long maxEventTime = Long.MIN_VALUE;
            long maxCreated = Long.MIN_VALUE;
            for (JsonObject m : messages) {
                JsonObject e = m.getJsonObject("data");
                long ts = eventTime ? e.getLong("ts")
                        : java.time.OffsetDateTime.parse(m.getString("createdAt")).toInstant().toEpochMilli();
                maxCreated = Math.max(maxCreated, ts);
                maxEventTime = Math.max(maxEventTime, ts);
                if (eventTime && watermark != null && ts < watermark) {
                    droppedLate++;
                    continue;
                }
                for (long start = Math.floorDiv(ts - sizeMs + slideMs, slideMs) * slideMs; start <= ts;
                     start += slideMs) {
                    String key = tag + "\u001f" + start + "\u001f" + e.getString("k");
                    JsonObject w = windows.computeIfAbsent(key, k -> new JsonObject().put("acc", 0));
                    w.put("acc", w.getLong("acc") + e.getLong("v")).put("windowStart", start)
                            .put("windowEnd", start + sizeMs).put("touched", true);
                }
            }
            long clock = eventTime ? Math.max(watermark == null ? Long.MIN_VALUE : watermark, maxEventTime - latenessMs)
                    : maxCreated;
            JsonArray ops = new JsonArray();
            JsonArray emits = new JsonArray();
            windows.forEach((key, w) -> {
                if (w.getLong("windowEnd") <= clock) {
                    emits.add(emit(partition, key, w));
                    if (w.getBoolean("seeded", false)) {
                        ops.add(StreamsClient.delete(key));
                    }
                } else if (w.getBoolean("touched", false)) {
                    ops.add(StreamsClient.upsert(key, new JsonObject().put("acc", w.getLong("acc"))
                            .put("windowStart", w.getLong("windowStart")).put("windowEnd", w.getLong("windowEnd"))));
                }
            });
            if (eventTime) {
                ops.add(StreamsClient.upsert(WATERMARK, new JsonObject().put("eventTimeMs", clock)));
            }
            JsonObject answer = streams.cycle(StreamsClient.cycleBody(q.queryId(), partitionId, q.group(), ops, emits,
                    StreamsClient.ackOf(messages)));
            assertEquals(true, answer.getValue("success"), answer.encode());
        }

        /** The idle flush: the windows ripe at {@code clock}, emitted and deleted without an ack. */
        int flush(String partitionId, String partition, long clock) {
            Map<String, Object> ripe = StreamsClient.rows(streams.stateGet(new JsonObject()
                    .put("query_id", q.queryId()).put("partition_id", partitionId).put("keys", new JsonArray())
                    .put("key_prefix", tag + "\u001f").put("ripe_at_or_before", clock)));
            JsonArray ops = new JsonArray();
            JsonArray emits = new JsonArray();
            ripe.forEach((key, value) -> {
                emits.add(emit(partition, key, (JsonObject) value));
                ops.add(StreamsClient.delete(key));
            });
            if (!ripe.isEmpty()) {
                JsonObject answer = streams.cycle(StreamsClient.cycleBody(q.queryId(), partitionId, q.group(), ops,
                        emits, null));
                assertEquals(true, answer.getValue("success"), answer.encode());
            }
            return ripe.size();
        }

        private JsonObject emit(String partition, String stateKey, JsonObject window) {
            String[] parts = stateKey.split("\u001f");
            return StreamsClient.sinkItem(q.sink(), partition, new JsonObject().put("key", parts[2])
                    .put("windowStart", window.getLong("windowStart")).put("windowEnd", window.getLong("windowEnd"))
                    .put("value", window.getLong("acc")));
        }
    }

    private static JsonObject event(String k, long v, long ts) {
        return new JsonObject().put("k", k).put("v", v).put("ts", ts);
    }

    private void push(String queue, String partition, JsonObject... events) {
        JsonArray items = new JsonArray();
        for (JsonObject e : events) {
            items.add(StreamsClient.sinkItem(queue, partition, e));
        }
        assertEquals(201, http.post("/api/v1/push", new JsonObject().put("items", items)).status());
    }

    /** The sink's emits as "partition key [start,end) = value", in order per partition. */
    private List<String> sinkEmits(String sink) {
        List<String> out = new ArrayList<>();
        for (JsonObject m : streams.drain(sink)) {
            JsonObject d = m.getJsonObject("data");
            out.add(m.getString("partition") + " " + d.getString("key") + " [" + d.getLong("windowStart") / 1000
                    + "," + d.getLong("windowEnd") / 1000 + ") = " + d.getLong("value"));
        }
        return out;
    }

    @Test
    void tumblingEventTimeWindowsDropLateEventsAndResumeAfterARestartWithoutDoubleCounting() {
        StreamsClient.Pipeline q = streams.pipeline();
        // one batch per cycle, 3 events each: the watermark is max event time - 10 s
        push(q.source(), "p1", event("a", 1, 5_000), event("a", 2, 20_000), event("b", 4, 65_000));
        push(q.source(), "p1", event("a", 8, 30_000),   // 30 s < watermark 55 s: late, dropped
                event("a", 16, 58_000),                  // within the lateness: counted in [0,60)
                event("b", 32, 70_000));
        push(q.source(), "p1", event("a", 64, 100_000), event("b", 128, 131_000), event("a", 256, 119_000));

        WindowedSum first = new WindowedSum(q, "tumb:60", 60_000, 60_000, 10_000, true);
        assertTrue(first.step(3));
        assertTrue(first.step(3));
        // the consumer restarts: a new runner, nothing in memory, the watermark comes from the server
        WindowedSum second = new WindowedSum(q, "tumb:60", 60_000, 60_000, 10_000, true);
        assertTrue(second.step(3));
        assertTrue(!second.step(3));
        assertEquals(1, first.droppedLate + second.droppedLate);

        // watermark 121 s: [0,60) and [60,120) closed; [120,180) still open in the state
        assertEquals(List.of("p1 a [0,60) = 19", "p1 a [60,120) = 320", "p1 b [60,120) = 36"), sinkEmits(q.sink()));
        assertEquals(List.of(), client.popTransactionIds(q.source(), q.group(), 10, false));
        String partitionId = partitionIdOf(q);
        Map<String, Object> open = streams.state(q.queryId(), partitionId);
        assertEquals(List.of("__wm__", "tumb:60\u001f120000\u001fb"), List.copyOf(open.keySet()));
        assertEquals(121_000L, ((JsonObject) open.get("__wm__")).getLong("eventTimeMs"));
        // an idle flush at the watermark finds nothing ripe; once time has passed the window's end it emits it
        assertEquals(0, second.flush(partitionId, "p1", 121_000));
        assertEquals(1, second.flush(partitionId, "p1", 180_000));
        assertEquals(List.of("p1 b [120,180) = 128"), sinkEmits(q.sink()));
        assertEquals(List.of("__wm__"), List.copyOf(streams.state(q.queryId(), partitionId).keySet()));
        assertEquals(9L, http.get("/api/v1/streams/queries/" + q.name()).json().getJsonObject("query")
                .getLong("messagesConsumed"));
    }

    private String partitionIdOf(StreamsClient.Pipeline q) {
        return http.get("/api/v1/streams/queries/" + q.name()).json().getJsonArray("partitions").getJsonObject(0)
                .getString("partitionId");
    }

    @Test
    void slidingWindowsCountAnEventInEveryWindowThatHoldsIt() {
        StreamsClient.Pipeline q = streams.pipeline();
        push(q.source(), "s", event("k", 1, 10_000), event("k", 2, 40_000), event("k", 4, 70_000),
                event("k", 100, 200_000));
        WindowedSum sliding = new WindowedSum(q, "slide:60:30", 60_000, 30_000, 0, true);
        assertTrue(sliding.step(10));
        assertEquals(List.of("s k [-30,30) = 1", "s k [0,60) = 3", "s k [30,90) = 6", "s k [60,120) = 4"),
                sinkEmits(q.sink()));
        assertEquals(2, streams.state(q.queryId(), partitionIdOf(q)).size() - 1, "the two windows of 200 s stay open");
    }

    @Test
    void processingTimeWindowsAreClosedByTheIdleFlushOnceRipe() throws Exception {
        StreamsClient.Pipeline q = streams.pipeline();
        push(q.source(), "a", event("x", 1, 0), event("x", 2, 0));
        push(q.source(), "b", event("y", 5, 0));
        WindowedSum tumbling = new WindowedSum(q, "tumb:1", 1_000, 1_000, 0, false);
        while (tumbling.step(10)) {
            // both partitions
        }
        // a window the batch's newest message has passed is closed by the cycle; the newest stay open
        List<String> emits = new ArrayList<>(sinkEmits(q.sink()));
        JsonArray partitions = http.get("/api/v1/streams/queries/" + q.name()).json().getJsonArray("partitions");
        assertEquals(2, partitions.size(), partitions.encode());
        Thread.sleep(1_100);
        int flushed = 0;
        for (int i = 0; i < partitions.size(); i++) {
            JsonObject p = partitions.getJsonObject(i);
            flushed += tumbling.flush(p.getString("partitionId"), p.getString("partition"), System.currentTimeMillis());
        }
        assertTrue(flushed >= 2, "flushed " + flushed);
        emits.addAll(sinkEmits(q.sink()));
        long sumA = emits.stream().filter(e -> e.startsWith("a x")).mapToLong(e -> Long.parseLong(e.split("= ")[1]))
                .sum();
        long sumB = emits.stream().filter(e -> e.startsWith("b y")).mapToLong(e -> Long.parseLong(e.split("= ")[1]))
                .sum();
        assertEquals(3, sumA, emits.toString());
        assertEquals(5, sumB, emits.toString());
        assertEquals(0L, http.get("/api/v1/streams/queries/" + q.name()).json().getJsonObject("query")
                .getLong("stateRows"));
    }

    @Test
    void sessionWindowsKeepOneOpenSessionPerKeyAndCloseItAfterTheGap() {
        StreamsClient.Pipeline q = streams.pipeline();
        push(q.source(), "u", event("a", 1, 0), event("a", 2, 5_000), event("b", 7, 6_000));
        push(q.source(), "u", event("a", 4, 30_000));
        long gap = 10_000;
        JsonArray popped;
        while (!(popped = streams.pop(q.source(), q.group(), 3, 1, 0)).isEmpty()) {
            List<JsonObject> batch = StreamsClient.byPartition(popped).values().iterator().next();
            String partitionId = batch.get(0).getString("partitionId");
            Map<String, Object> loaded = streams.state(q.queryId(), partitionId);
            JsonArray ops = new JsonArray();
            JsonArray emits = new JsonArray();
            Map<String, JsonObject> sessions = new TreeMap<>();
            loaded.forEach((key, value) -> sessions.put(key, ((JsonObject) value).copy()));
            for (JsonObject m : batch) {
                JsonObject e = m.getJsonObject("data");
                String key = "sess:10\u001fopen\u001f" + e.getString("k");
                JsonObject s = sessions.get(key);
                if (s != null && s.getLong("lastEventTime") + gap < e.getLong("ts")) {
                    emits.add(StreamsClient.sinkItem(q.sink(), "u", new JsonObject().put("key", e.getString("k"))
                            .put("windowStart", s.getLong("sessionStart"))
                            .put("windowEnd", s.getLong("lastEventTime") + gap).put("value", s.getLong("acc"))));
                    s = null;
                }
                if (s == null) {
                    s = new JsonObject().put("acc", 0L).put("sessionStart", e.getLong("ts"));
                    sessions.put(key, s);
                }
                s.put("acc", s.getLong("acc") + e.getLong("v")).put("lastEventTime", e.getLong("ts"));
                ops.add(StreamsClient.upsert(key, s.copy()));
            }
            JsonObject answer = streams.cycle(StreamsClient.cycleBody(q.queryId(), partitionId, q.group(), ops, emits,
                    StreamsClient.ackOf(batch)));
            assertEquals(true, answer.getValue("success"), answer.encode());
        }
        assertEquals(List.of("u a [0,15) = 3"), sinkEmits(q.sink()));
        Map<String, Object> open = streams.state(q.queryId(), partitionIdOf(q));
        assertEquals(List.of("sess:10\u001fopen\u001fa", "sess:10\u001fopen\u001fb"), List.copyOf(open.keySet()));
        assertEquals(4L, ((JsonObject) open.get("sess:10\u001fopen\u001fa")).getLong("acc"));
    }
}
