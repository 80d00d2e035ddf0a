package io.queen.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The windowed sum of the streams benchmark (and of the exactly-once test): the client side of
 * a streams query, as an SDK's reducer would compute it. Events are {@code {k, v, w}}; the state
 * of a source partition holds one sum per open (window, key) under {@code <w>\u001f<k>} and the
 * partition's clock, the highest window seen, under {@value #CLOCK}. Windows below the clock
 * are closed: emitted and deleted.
 */
public final class WindowedSum {
    public static final String CLOCK = "__clock__";

    /** A window's final sum. */
    public record Closed(String key, int window, long sum) {
    }

    /** What one cycle commits: its state ops and the windows it closes. */
    public record Step(JsonArray stateOps, List<Closed> closed) {
    }

    private WindowedSum() {
    }

    /**
     * @param state    the partition's state rows, key → value (numbers)
     * @param messages popped messages of the partition, in order ({@code data} = the event)
     */
    public static Step reduce(Map<String, ?> state, List<JsonObject> messages) {
        Map<String, Long> open = new TreeMap<>();
        state.forEach((key, value) -> {
            if (!key.equals(CLOCK)) {
                open.put(key, ((Number) value).longValue());
            }
        });
        int clock = state.containsKey(CLOCK) ? ((Number) state.get(CLOCK)).intValue() : 0;
        for (JsonObject m : messages) {
            JsonObject e = m.getJsonObject("data");
            open.merge(e.getInteger("w") + "\u001f" + e.getString("k"), e.getLong("v"), Long::sum);
            clock = Math.max(clock, e.getInteger("w"));
        }
        JsonArray ops = new JsonArray();
        List<Closed> closed = new ArrayList<>();
        for (Map.Entry<String, Long> window : open.entrySet()) {
            Closed w = parse(window.getKey(), window.getValue());
            if (w.window() < clock) {
                closed.add(w);
                ops.add(new JsonObject().put("type", "delete").put("key", window.getKey()));
            } else {
                ops.add(new JsonObject().put("type", "upsert").put("key", window.getKey()).put("value", window.getValue()));
            }
        }
        ops.add(new JsonObject().put("type", "upsert").put("key", CLOCK).put("value", clock));
        return new Step(ops, closed);
    }

    /** The idle flush once the input is consumed: every open window closed, and deleted. */
    public static Step flush(Map<String, ?> state) {
        JsonArray ops = new JsonArray();
        List<Closed> closed = new ArrayList<>();
        state.forEach((key, value) -> {
            if (!key.equals(CLOCK)) {
                closed.add(parse(key, ((Number) value).longValue()));
                ops.add(new JsonObject().put("type", "delete").put("key", key));
            }
        });
        return new Step(ops, closed);
    }

    private static Closed parse(String stateKey, long sum) {
        String[] parts = stateKey.split("\u001f");
        return new Closed(parts[1], Integer.parseInt(parts[0]), sum);
    }
}
