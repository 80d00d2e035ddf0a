package io.queen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/** The scenarios: each prepares its queue, runs timed load, then checks exactness. */
final class Scenarios {
    private static final String QUEUE_MODE = "__QUEUE_MODE__";
    private static final int PARTITIONS = 100;
    /**
     * Pre-filled messages per second of duration. Pop with auto-ack ran at ~15,000 msg/s on a
     * 2-core test box, so 20,000 keeps the run timed rather than ended by an empty queue;
     * a faster server still runs dry early, which the scenario then reports.
     */
    static final int PREFILL_PER_SECOND = 20_000;
    private static final long DRAIN_NANOS = 10_000_000_000L;

    private final Vertx vertx;
    private final Http http;
    private final DbCheck db;
    private final RawInsert raw;
    private final ProcessStats stats;
    private final BenchOptions options;
    private final long durationNanos;

    Scenarios(Vertx vertx, Http http, DbCheck db, RawInsert raw, ProcessStats stats, BenchOptions options) {
        this.vertx = vertx;
        this.http = http;
        this.db = db;
        this.raw = raw;
        this.stats = stats;
        this.options = options;
        this.durationNanos = options.durationSeconds * 1_000_000_000L;
    }

    Result run(String name) {
        return switch (name) {
            case "raw-insert" -> rawInsert();
            case "push-b1-p1" -> push(name, 1, 1);
            case "push-b10-p1" -> push(name, 10, 1);
            case "push-b100-p1" -> push(name, 100, 1);
            case "push-b1-p100" -> push(name, 1, PARTITIONS);
            case "push-b10-p100" -> push(name, 10, PARTITIONS);
            case "push-b100-p100" -> push(name, 100, PARTITIONS);
            case "pop-autoack" -> popAutoAck("pop-autoack");
            case "pop-ack" -> popAck();
            case "push-pop" -> pushPop();
            case "fanout-5" -> fanout(5);
            // the same as push-b10-p100 and pop-autoack on a queue with encryptionEnabled
            case "push-b10-p100-enc" -> push(name, 10, PARTITIONS);
            case "pop-autoack-enc" -> popAutoAck(name);
            case "streams" -> streams();
            default -> throw new IllegalArgumentException(name);
        };
    }

    // ---------------------------------------------------------------- scenarios

    private Result rawInsert() {
        raw.prepare();
        Meter meter = new Meter();
        Timed t = measure("raw-insert", meter, () -> {
            long end = System.nanoTime() + durationNanos;
            return LoadLoop.run(vertx, meter, options.connections, () -> System.nanoTime() < end, raw::insertBatch);
        });
        long rows = raw.rowCount();
        boolean exact = rows == meter.messages.sum();
        System.out.printf("exactness: rows inserted (client) = %d, rows in queen_bench.raw_messages = %d -> %s%n",
                meter.messages.sum(), rows, verdict(exact));
        System.out.printf("raw-insert: %.0f rows/s%n", t.perSecond(meter.messages.sum()));
        return t.result(exact);
    }

    /** Pushes of {@code batch} items into one partition or round-robin over 100. */
    private Result push(String name, int batch, int partitions) {
        String queue = queueName(name);
        encryptIfAsked(name, queue);
        Meter meter = new Meter();
        AtomicLong sequence = new AtomicLong();
        LongAdder notQueued = new LongAdder();
        Timed t = measure(name, meter, () -> {
            long end = System.nanoTime() + durationNanos;
            return LoadLoop.run(vertx, meter, options.connections, () -> System.nanoTime() < end,
                    lane -> pushItems(meter, lane, queue, batch, n -> n % partitions, sequence, notQueued));
        });
        long queued = meter.messages.sum();
        DbCheck.Counts counts = db.messageCounts(queue);
        boolean exact = counts.rows() == queued && counts.distinctIds() == counts.rows() && notQueued.sum() == 0;
        System.out.printf("exactness: queued (client) = %d, DB rows = %d, DB distinct ids = %d, items not queued = %d -> %s%n",
                queued, counts.rows(), counts.distinctIds(), notQueued.sum(), verdict(exact));
        return t.result(exact);
    }

    /** Pop with server-side ack from a pre-filled queue. */
    private Result popAutoAck(String name) {
        String queue = queueName(name);
        encryptIfAsked(name, queue);
        long total = prefill(queue);
        Meter meter = new Meter();
        Consumed consumed = new Consumed();
        String path = "/api/v1/pop/queue/" + queue + "?batch=100&autoAck=true";
        Timed t = measure(name, meter, () -> {
            long end = System.nanoTime() + durationNanos;
            return LoadLoop.run(vertx, meter, options.connections,
                    () -> System.nanoTime() < end && consumed.unique() < total,
                    lane -> http.get(meter, lane, path).map(reply -> consumed.take(meter, reply)));
        });
        reportDry(t, consumed.unique(), total);
        long unique = consumed.unique();
        long inDb = db.existing(queue, consumed.ids);
        long byCursor = db.consumedByCursor(queue, QUEUE_MODE);
        boolean exact = consumed.duplicates.sum() == 0 && inDb == unique && byCursor == unique;
        System.out.printf("exactness: received %d distinct ids, %d received more than once, %d of them found in the DB queue,"
                        + " DB consumed by cursor = %d, left unconsumed = %d of %d -> %s%n",
                unique, consumed.duplicates.sum(), inDb, byCursor, total - byCursor, total, verdict(exact));
        return t.result(exact);
    }

    /** Pop under a lease, then acknowledge the batch explicitly. */
    private Result popAck() {
        String queue = queueName("pop-ack");
        long total = prefill(queue);
        Meter meter = new Meter();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        LongAdder redelivered = new LongAdder();
        LongAdder redeliveredAfterAck = new LongAdder();
        LongAdder ackedTwice = new LongAdder();
        LongAdder ackFailures = new LongAdder();
        AtomicLong firstAckError = new AtomicLong();
        String popPath = "/api/v1/pop/queue/" + queue + "?batch=100";
        Timed t = measure("pop-ack", meter, () -> {
            long end = System.nanoTime() + durationNanos;
            return LoadLoop.run(vertx, meter, options.connections,
                    () -> System.nanoTime() < end && acked.size() < total,
                    lane -> http.get(meter, lane, popPath).compose(reply -> {
                        JsonArray messages = messagesOf(meter, reply);
                        if (messages == null || messages.isEmpty()) {
                            return Future.succeededFuture(0);
                        }
                        List<String> ids = new ArrayList<>(messages.size());
                        JsonArray acks = new JsonArray();
                        for (int i = 0; i < messages.size(); i++) {
                            JsonObject m = messages.getJsonObject(i);
                            String id = m.getString("id");
                            ids.add(id);
                            if (!delivered.add(id)) {
                                redelivered.increment();
                            }
                            if (acked.contains(id)) {
                                redeliveredAfterAck.increment();
                            }
                            acks.add(new JsonObject()
                                    .put("transactionId", m.getString("transactionId"))
                                    .put("partitionId", m.getString("partitionId"))
                                    .put("leaseId", m.getString("leaseId"))
                                    .put("status", "completed"));
                        }
                        String body = new JsonObject().put("acknowledgments", acks).encode();
                        return http.post(meter, lane, "/api/v1/ack/batch", body).map(ackReply -> {
                            if (!ackReply.ok()) {
                                ackFailures.add(ids.size());
                                return 0;
                            }
                            Object parsed = ackReply.body().toJsonValue();
                            if (!(parsed instanceof JsonArray results)) {
                                meter.errors.increment(); // {"success":false,"error":...}: a database failure
                                ackFailures.add(ids.size());
                                if (firstAckError.compareAndSet(0, 1)) {
                                    System.out.println("  first failed ack: " + ackReply.body());
                                }
                                return 0;
                            }
                            int ok = 0;
                            for (int i = 0; i < results.size(); i++) {
                                JsonObject r = results.getJsonObject(i);
                                String id = ids.get(r.getInteger("index", i));
                                if (Boolean.TRUE.equals(r.getBoolean("success"))) {
                                    if (acked.add(id)) {
                                        ok++;
                                    } else {
                                        ackedTwice.increment();
                                    }
                                } else {
                                    ackFailures.increment();
                                    if (firstAckError.compareAndSet(0, 1)) {
                                        System.out.println("  first failed ack: " + r.encode());
                                    }
                                }
                            }
                            return ok;
                        });
                    }));
        });
        reportDry(t, acked.size(), total);
        long byCursor = db.consumedByCursor(queue, QUEUE_MODE);
        boolean exact = ackedTwice.sum() == 0 && redeliveredAfterAck.sum() == 0 && byCursor == acked.size()
                && ackFailures.sum() == 0;
        System.out.printf("exactness: acked ok %d distinct, acked ok twice %d, failed acks %d, delivered %d distinct"
                        + " (%d redeliveries, %d after a successful ack), DB consumed by cursor = %d, left = %d of %d -> %s%n",
                acked.size(), ackedTwice.sum(), ackFailures.sum(), delivered.size(), redelivered.sum(),
                redeliveredAfterAck.sum(), byCursor, total - byCursor, total, verdict(exact));
        return t.result(exact);
    }

    /** Producers and long-polling auto-ack consumers on one queue at the same time. */
    private Result pushPop() {
        String queue = queueName("push-pop");
        int producers = Math.max(1, options.connections / 2);
        int consumers = Math.max(1, options.connections - producers);
        return produceAndConsume("push-pop", queue, producers, List.of(QUEUE_MODE), consumers);
    }

    /** One producer group and {@code groups} consumer groups that each must see every message. */
    private Result fanout(int groups) {
        String queue = queueName("fanout-" + groups);
        int share = Math.max(1, options.connections / (groups + 1));
        List<String> names = new ArrayList<>();
        for (int g = 1; g <= groups; g++) {
            names.add("g" + g);
        }
        return produceAndConsume("fanout-" + groups, queue, share, names, share);
    }

    /**
     * Shared by push-pop and fanout: producers push batch 10 over 100 partitions for the
     * duration; consumers (per group) long-poll with auto-ack and keep draining for up to
     * 10 s after the producers stop. Messages counted = deliveries to consumers.
     */
    private Result produceAndConsume(String name, String queue, int producers, List<String> groups, int loopsPerGroup) {
        Meter meter = new Meter();
        AtomicLong sequence = new AtomicLong();
        LongAdder queued = new LongAdder();
        LongAdder notQueued = new LongAdder();
        AtomicLong producersDoneAt = new AtomicLong();
        List<Consumed> perGroup = new ArrayList<>();
        Timed t = measure(name, meter, () -> {
            long end = System.nanoTime() + durationNanos;
            List<Future<Void>> all = new ArrayList<>();
            all.add(LoadLoop.run(vertx, meter, producers, () -> System.nanoTime() < end,
                    lane -> pushItems(meter, lane, queue, 10, n -> n % PARTITIONS, sequence, notQueued).map(n -> {
                        queued.add(n);
                        return 0; // producer items are not deliveries
                    })).andThen(ar -> producersDoneAt.set(System.nanoTime())));
            for (String group : groups) {
                Consumed consumed = new Consumed();
                perGroup.add(consumed);
                String path = "/api/v1/pop/queue/" + queue + "?batch=100&autoAck=true&wait=true&timeout=1000"
                        + (group.equals(QUEUE_MODE) ? "" : "&consumerGroup=" + group);
                BooleanSupplier keepGoing = () -> {
                    long doneAt = producersDoneAt.get();
                    return doneAt == 0 || (consumed.unique() < queued.sum() && System.nanoTime() < doneAt + DRAIN_NANOS);
                };
                all.add(LoadLoop.run(vertx, meter, loopsPerGroup, keepGoing,
                        lane -> http.get(meter, lane, path).map(reply -> consumed.take(meter, reply))));
            }
            return Future.all(all).mapEmpty();
        });
        long q = queued.sum();
        DbCheck.Counts counts = db.messageCounts(queue);
        boolean exact = counts.rows() == q && counts.distinctIds() == q && notQueued.sum() == 0;
        System.out.printf("exactness: queued (client) = %d, DB rows = %d, DB distinct ids = %d, items not queued = %d%n",
                q, counts.rows(), counts.distinctIds(), notQueued.sum());
        for (int g = 0; g < groups.size(); g++) {
            Consumed c = perGroup.get(g);
            long byCursor = db.consumedByCursor(queue, groups.get(g));
            boolean ok = c.unique() == q && c.duplicates.sum() == 0 && byCursor == q;
            exact &= ok;
            System.out.printf("  group %-15s consumed %d distinct of %d queued, %d more than once, DB consumed by cursor = %d -> %s%n",
                    groups.get(g), c.unique(), q, c.duplicates.sum(), byCursor, verdict(ok));
        }
        System.out.println("exactness: " + verdict(exact));
        return t.result(exact);
    }

    /**
     * The streams scenario, after an untimed round of its own when warm-up is on: a cycle's
     * statement and the functions under it are compiled per database connection, and a run of
     * a few dozen cycles would otherwise time mostly that.
     */
    private Result streams() {
        if (options.warmupSeconds > 0) {
            new StreamsScenario(vertx, http, db, options, this, Math.min(1_000, options.streamEvents),
                    "streams-warm-up").run();
        }
        return new StreamsScenario(vertx, http, db, options, this, options.streamEvents, "streams").run();
    }

    // ---------------------------------------------------------------- helpers

    /** Builds and sends one push; answers how many items came back "queued". */
    private Future<Integer> pushItems(Meter meter, Meter.Lane lane, String queue, int batch,
                                      LongUnaryOperator partitionOf, AtomicLong sequence, LongAdder notQueued) {
        StringBuilder body = new StringBuilder(64 + batch * 110).append("{\"items\":[");
        long first = sequence.getAndAdd(batch);
        for (int i = 0; i < batch; i++) {
            long n = first + i;
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"queue\":\"").append(queue)
                    .append("\",\"partition\":\"p").append(partitionOf.applyAsLong(n))
                    .append("\",\"payload\":{\"message\":\"Hello World\",\"n\":").append(n).append("}}");
        }
        body.append("]}");
        return http.post(meter, lane, "/api/v1/push", body.toString()).map(reply -> {
            if (!reply.ok()) {
                notQueued.add(batch);
                return 0;
            }
            JsonArray results = new JsonArray(reply.body());
            int queued = 0;
            for (int i = 0; i < results.size(); i++) {
                if ("queued".equals(results.getJsonObject(i).getString("status"))) {
                    queued++;
                } else {
                    notQueued.increment();
                }
            }
            return queued;
        });
    }

    private long prefill(String queue) {
        return prefill(queue, (long) PREFILL_PER_SECOND * options.durationSeconds);
    }

    /**
     * Untimed: fills a fresh queue with {@code total} messages, 100 per push, each push into
     * the next of 100 partitions. Returns how many were queued.
     */
    long prefill(String queue, long total) {
        Meter meter = new Meter();
        AtomicLong pushesLeft = new AtomicLong(total / 100);
        AtomicLong sequence = new AtomicLong();
        LongAdder notQueued = new LongAdder();
        long start = System.nanoTime();
        // each push reserves 100 consecutive sequence numbers, so (n / 100) mod 100 puts the
        // whole push into one partition and successive pushes into successive partitions
        Bench.await(LoadLoop.run(vertx, meter, options.connections, () -> pushesLeft.getAndDecrement() > 0,
                lane -> pushItems(meter, lane, queue, 100, n -> (n / 100) % PARTITIONS, sequence, notQueued)));
        long queued = meter.messages.sum();
        System.out.printf("pre-filled %s with %d messages over %d partitions in %.1f s (errors %d, not queued %d)%n",
                queue, queued, PARTITIONS, (System.nanoTime() - start) / 1e9, meter.errors.sum(), notQueued.sum());
        return queued;
    }

    /** Scenarios ending in -enc run on a queue configured with encryptionEnabled. */
    private void encryptIfAsked(String scenario, String queue) {
        if (!scenario.endsWith("-enc")) {
            return;
        }
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(options.url + "/api/v1/configure"))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"queue\":\"" + queue
                                    + "\",\"options\":{\"encryptionEnabled\":true}}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(scenario + " needs a server started with QUEEN_ENCRYPTION_KEY: " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void reportDry(Timed t, long consumed, long total) {
        if (consumed >= total && t.seconds < options.durationSeconds - 0.05) {
            System.out.printf("note: queue ran dry after %.1f s (all %d pre-filled messages consumed); ended early%n",
                    t.seconds, total);
        }
    }

    /** A pop answer's messages, or null for 204 / non-2xx / {"success":false} (the latter two count as errors). */
    static JsonArray messagesOf(Meter meter, Http.Reply reply) {
        if (reply.status() != 200) {
            return null;
        }
        JsonObject body = reply.body().toJsonObject();
        if (!Boolean.TRUE.equals(body.getBoolean("success"))) {
            meter.errors.increment();
            return null;
        }
        return body.getJsonArray("messages");
    }

    static String queueName(String scenario) {
        return "bench-" + scenario + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String verdict(boolean ok) {
        return ok ? "OK" : "MISMATCH";
    }

    /** Client-side record of the ids one consumer group received. */
    private static final class Consumed {
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final LongAdder duplicates = new LongAdder();

        long unique() {
            return ids.size();
        }

        int take(Meter meter, Http.Reply reply) {
            JsonArray messages = messagesOf(meter, reply);
            if (messages == null) {
                return 0;
            }
            for (int i = 0; i < messages.size(); i++) {
                if (!ids.add(messages.getJsonObject(i).getString("id"))) {
                    duplicates.increment();
                }
            }
            return messages.size();
        }
    }

    // ---------------------------------------------------------------- measurement

    /** Wall time, server CPU and peak RSS around one load run, with a progress line every second. */
    Timed measure(String name, Meter meter, Supplier<Future<Void>> load) {
        long cpu0 = stats == null ? -1 : stats.cpuNanos();
        AtomicLong peakRssKb = new AtomicLong(stats == null ? -1 : stats.rssKb());
        long t0 = System.nanoTime();
        long rssTimer = vertx.setPeriodic(250, id -> {
            if (stats != null) {
                peakRssKb.accumulateAndGet(stats.rssKb(), Math::max);
            }
        });
        long progressTimer = vertx.setPeriodic(1000, id -> {
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("  [%s] %5.1f s  %10.0f msg/s  requests %9d  errors %d%n",
                    name, s, meter.messages.sum() / s, meter.requests.sum(), meter.errors.sum());
        });
        try {
            Bench.await(load.get());
        } finally {
            vertx.cancelTimer(rssTimer);
            vertx.cancelTimer(progressTimer);
        }
        long wall = System.nanoTime() - t0;
        long cpu1 = stats == null ? -1 : stats.cpuNanos();
        if (stats != null) {
            peakRssKb.accumulateAndGet(stats.rssKb(), Math::max);
        }
        double cpuPercent = cpu0 < 0 || cpu1 < 0 ? Double.NaN : 100.0 * (cpu1 - cpu0) / wall;
        double rssMb = peakRssKb.get() < 0 ? Double.NaN : peakRssKb.get() / 1024.0;
        return new Timed(name, meter, wall / 1e9, cpuPercent, rssMb);
    }

    static final class Timed {
        final String name;
        final Meter meter;
        final double seconds;
        final double cpuPercent;
        final double rssMb;

        Timed(String name, Meter meter, double seconds, double cpuPercent, double rssMb) {
            this.name = name;
            this.meter = meter;
            this.seconds = seconds;
            this.cpuPercent = cpuPercent;
            this.rssMb = rssMb;
        }

        double perSecond(long count) {
            return count / seconds;
        }

        Result result(boolean exact) {
            long[] latencies = meter.sortedLatencies();
            return new Result(name, perSecond(meter.messages.sum()), perSecond(meter.requests.sum()),
                    Meter.percentileMs(latencies, 0.50), Meter.percentileMs(latencies, 0.99),
                    cpuPercent, rssMb, meter.errors.sum(), seconds, exact);
        }
    }
}
