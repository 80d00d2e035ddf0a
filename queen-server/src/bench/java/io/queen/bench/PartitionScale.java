package io.queen.bench;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The "partitions" scenario: how pop discovery and partition creation behave as a queue grows
 * from 10 to 1,000,000 partitions holding one message each. Per partition count it prints the
 * push rate into new and into existing partitions, sequential and concurrent pop latency, the
 * drain rate of 10 consumers, the first pop of a new consumer group in each subscription mode,
 * and the database bytes per partition. Sequential by design: latencies are measured on an
 * otherwise idle server, so the blocking JDK client (one thread per consumer) is enough.
 */
final class PartitionScale {
    private static final int PUSH_BATCH = 1000;
    private static final int CONSUMERS = 10;
    private static final long DRAIN_WINDOW_NANOS = 10_000_000_000L;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Pool db;
    private final int sequentialPops;

    PartitionScale(BenchOptions options, Pool db) {
        this.base = "http://" + options.host + ":" + options.port;
        this.db = db;
        this.sequentialPops = options.partitionPops;
    }

    /** Row of the final table: one partition count. */
    record Figures(int partitions, double pushNewPerSec, double pushExistingPerSec, double popP50, double popP99,
                   double concurrentP50, double concurrentP99, double drainPerSec, long drained,
                   double firstAll, double firstNew, double firstFrom, double firstFromSparse,
                   double bytesPerPartition) {
    }

    List<Figures> run(List<Integer> counts) throws Exception {
        // big enough that the drain runs for seconds: the server's JIT has compiled the pop
        // path before the first counted row, as it has on a server that has been up a while
        System.out.println("(warm-up round on 20,000 partitions, not counted)");
        measure(20_000);
        List<Figures> all = new ArrayList<>();
        for (int n : counts) {
            System.out.println();
            System.out.println("--- " + n + " partitions ---");
            all.add(measure(n));
        }
        print(all);
        return all;
    }

    private Figures measure(int n) throws Exception {
        String queue = "bench-parts-" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
        long sizeBefore = schemaBytes();
        double pushNew = pushRound(queue, n, "a");
        double bytesPerPartition = (schemaBytes() - sizeBefore) / (double) n;
        System.out.printf("push into %d new partitions: %.0f msg/s; %.0f bytes per partition (with its message)%n",
                n, pushNew, bytesPerPartition);

        // sequential pops, batch 1, no wait, auto-ack: one consumer on an idle server
        long[] seq = new long[Math.min(sequentialPops, n)];
        for (int i = 0; i < seq.length; i++) {
            long start = System.nanoTime();
            expectMessages(get("/api/v1/pop/queue/" + queue + "?batch=1&wait=false&autoAck=true"), 1);
            seq[i] = System.nanoTime() - start;
        }
        Arrays.sort(seq);
        System.out.printf("sequential pop: p50 %.2f ms, p99 %.2f ms (%d pops)%n",
                pct(seq, 0.50), pct(seq, 0.99), seq.length);

        Drain drain = drain(queue, n - seq.length);
        System.out.printf("%d consumers (%s): p50 %.2f ms, p99 %.2f ms, drained %d messages at %.0f msg/s%s%n",
                CONSUMERS, drain.tool(), drain.p50(), drain.p99(), drain.messages(), drain.perSecond(),
                drain.messages() >= n - seq.length ? " (ran dry within the window: a lower bound)" : "");

        // a second message into every (now existing) partition
        Instant between = Instant.now();
        Thread.sleep(5);
        double pushExisting = pushRound(queue, n, "b");
        System.out.printf("push into %d existing partitions: %.0f msg/s (new/existing = %.2f)%n",
                n, pushExisting, pushNew / pushExisting);

        double firstAll = firstPop(queue, "all-" + queue, "");
        double firstNew = firstPop(queue, "new-" + queue, "&subscriptionMode=new");
        double firstFrom = firstPop(queue, "from-" + queue, "&subscriptionFrom=" + between);
        // sparse: only the very last partitions pushed have messages after the timestamp
        Instant late = Instant.now();
        Thread.sleep(5);
        int lateCount = Math.max(1, n / 1000);
        pushPartitions(queue, n - lateCount, lateCount, "c");
        double firstSparse = firstPop(queue, "sparse-" + queue, "&subscriptionFrom=" + late);
        System.out.printf("first pop of a new group: all %.1f ms, new %.1f ms, from (all partitions after it) %.1f ms,"
                + " from (%d of %d partitions after it) %.1f ms%n", firstAll, firstNew, firstFrom, lateCount, n, firstSparse);

        // a million partitions take a while to delete
        send(HttpRequest.newBuilder(URI.create(base + "/api/v1/resources/queues/" + queue))
                .timeout(Duration.ofMinutes(10)).DELETE().build());
        return new Figures(n, pushNew, pushExisting, pct(seq, 0.50), pct(seq, 0.99), drain.p50(),
                drain.p99(), drain.perSecond(), drain.messages(), firstAll, firstNew, firstFrom, firstSparse, bytesPerPartition);
    }

    record Drain(String tool, double p50, double p99, long messages, double perSecond) {
    }

    /**
     * 10 consumers (batch 1, auto-ack, no wait) drain what is left for up to 10 s. With wrk on
     * the PATH it does the popping (a C client leaves the two cores to the server); else
     * threads of this JVM do.
     */
    private Drain drain(String queue, long left) throws Exception {
        String path = "/api/v1/pop/queue/" + queue + "?batch=1&wait=false&autoAck=true";
        if (Wrk.onPath("wrk")) {
            // wrk runs for its whole window even when the queue is dry early; a window the
            // drain should outlast (at ~3,000 msg/s) keeps the rate honest
            return wrkDrain(base + path, (int) Math.max(1, Math.min(10, left / 3000)));
        }
        AtomicLong drained = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CONSUMERS);
        long start = System.nanoTime();
        long end = start + DRAIN_WINDOW_NANOS;
        List<Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            futures.add(pool.submit(() -> {
                long[] lat = new long[1024];
                int k = 0;
                // an empty answer is not the end: the last partitions may be leased by the others
                while (System.nanoTime() < end && drained.get() < left) {
                    long t0 = System.nanoTime();
                    int got = messages(get(path));
                    if (k == lat.length) {
                        lat = Arrays.copyOf(lat, k * 2);
                    }
                    lat[k++] = System.nanoTime() - t0;
                    drained.addAndGet(got);
                }
                return Arrays.copyOf(lat, k);
            }));
        }
        List<long[]> lanes = new ArrayList<>();
        for (Future<long[]> f : futures) {
            lanes.add(f.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] all = lanes.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Drain("JVM client", pct(all, 0.50), pct(all, 0.99), drained.get(), drained.get() / seconds);
    }

    /** wrk with a script that counts the messages and stops a thread at its first empty answer. */
    private static Drain wrkDrain(String url, int seconds) throws Exception {
        Path script = Files.createTempFile("queen-drain", ".lua");
        Files.writeString(script, String.join("\n",
                "local threads = {}",
                "function setup(thread) table.insert(threads, thread) end",
                "function init(args) got = 0 end",
                "function response(status, headers, body)",
                "  if status == 200 then got = got + 1 else wrk.thread:stop() end",
                "end",
                "function done(summary, latency, requests)",
                "  local total = 0",
                "  for _, t in ipairs(threads) do total = total + t:get('got') end",
                "  io.write(string.format('DRAIN %d %f %f %f\\n', total, summary.duration / 1e6,",
                "    latency:percentile(50) / 1000, latency:percentile(99) / 1000))",
                "end", ""));
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c" + CONSUMERS, "-d" + seconds + "s",
                "--timeout", "60s", "-s", script.toString(), url).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes());
        wrk.waitFor();
        Files.deleteIfExists(script);
        for (String line : out.split("\n")) {
            if (line.startsWith("DRAIN ")) {
                String[] f = line.trim().split(" ");
                long messages = Long.parseLong(f[1]);
                return new Drain("wrk", Double.parseDouble(f[3]), Double.parseDouble(f[4]), messages,
                        messages / Double.parseDouble(f[2]));
            }
        }
        throw new IllegalStateException("wrk gave no result: " + out);
    }

    /** One message into each partition p0..p(n-1), batches of 1000, two requests in flight. */
    private double pushRound(String queue, int n, String tag) throws Exception {
        long start = System.nanoTime();
        pushPartitions(queue, 0, n, tag);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private void pushPartitions(String queue, int from, int count, String tag) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> inFlight = new ArrayList<>();
        long last = System.nanoTime();
        for (int s = from; s < from + count; s += PUSH_BATCH) {
            int first = s;
            int upTo = Math.min(from + count, s + PUSH_BATCH);
            inFlight.add(pool.submit(() -> {
                StringBuilder body = new StringBuilder(upTo - first > 0 ? 80 * (upTo - first) : 16).append("{\"items\":[");
                for (int i = first; i < upTo; i++) {
                    if (i > first) {
                        body.append(',');
                    }
                    body.append("{\"queue\":\"").append(queue).append("\",\"partition\":\"p").append(i)
                            .append("\",\"payload\":{\"n\":").append(i).append(",\"r\":\"").append(tag).append("\"}}");
                }
                body.append("]}");
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/push"))
                        .timeout(Duration.ofSeconds(120))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("push answered " + r.statusCode() + ": " + r.body());
                }
                return null;
            }));
            if (inFlight.size() >= 2) {
                inFlight.remove(0).get();
            }
            if (System.nanoTime() - last > 5_000_000_000L) {
                System.out.printf("  ... %d of %d pushed%n", upTo - from, count);
                last = System.nanoTime();
            }
        }
        for (Future<?> f : inFlight) {
            f.get();
        }
        pool.shutdown();
    }

    /** Milliseconds of the first pop of a group that never popped this queue. */
    private double firstPop(String queue, String group, String subscription) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = get("/api/v1/pop/queue/" + queue + "?batch=1&wait=false&autoAck=true&consumerGroup="
                + group + subscription);
        double ms = (System.nanoTime() - start) / 1e6;
        if (r.statusCode() != 200 && !subscription.endsWith("Mode=new")) {
            throw new IllegalStateException("first pop of " + group + " answered " + r.statusCode() + ": " + r.body());
        }
        return ms;
    }

    private long schemaBytes() {
        return Bench.await(db.preparedQuery("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'")
                .execute(Tuple.of("queen"))).iterator().next().getLong(0);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void expectMessages(HttpResponse<String> r, int count) {
        if (messages(r) != count) {
            throw new IllegalStateException("pop answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Messages in a pop answer (204 = none); a count of "transactionId" keys is enough here. */
    private static int messages(HttpResponse<String> r) {
        if (r.statusCode() == 204) {
            return 0;
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("pop answered " + r.statusCode() + ": " + r.body());
        }
        int count = 0;
        for (int at = r.body().indexOf("\"transactionId\""); at >= 0; at = r.body().indexOf("\"transactionId\"", at + 1)) {
            count++;
        }
        return count;
    }

    private static double pct(long[] sorted, double p) {
        return Meter.percentileMs(sorted, p);
    }

    private static void print(List<Figures> all) {
        System.out.println();
        System.out.println("=== partitions: summary ===");
        System.out.printf("%10s %10s %10s %8s %8s %8s %8s %9s %8s %8s %8s %8s %9s%n", "partitions", "push new/s",
                "push old/s", "pop p50", "pop p99", "10c p50", "10c p99", "drain/s", "1st all", "1st new",
                "1st from", "sparse", "bytes/p");
        for (Figures f : all) {
            System.out.printf("%10d %10.0f %10.0f %8.2f %8.2f %8.2f %8.2f %9.0f %8.1f %8.1f %8.1f %8.1f %9.0f%n",
                    f.partitions(), f.pushNewPerSec(), f.pushExistingPerSec(), f.popP50(), f.popP99(),
                    f.concurrentP50(), f.concurrentP99(), f.drainPerSec(), f.firstAll(), f.firstNew(), f.firstFrom(),
                    f.firstFromSparse(), f.bytesPerPartition());
        }
        System.out.println("(latencies in ms; 10c = 10 concurrent consumers, batch 1; 1st = first pop of a new group)");
    }
}
