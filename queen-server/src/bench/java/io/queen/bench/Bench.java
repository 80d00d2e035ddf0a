package io.queen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark of a running Queen server: throughput, latency, server CPU and memory per
 * scenario, each followed by a check that no message was lost or duplicated.
 * Run with {@code --help} for the options.
 */
public final class Bench {
    private static final AtomicInteger reportedErrors = new AtomicInteger();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** Runs the benchmark; answers the process exit code (0: every exactness check passed). */
    public static int run(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
            if (options == null) {
                System.out.println(BenchOptions.USAGE);
                return 0;
            }
            options.resolveDatabase();
        } catch (Exception e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            return 2;
        }
        if (options.wrk) {
            return WrkBench.run(options);
        }

        Integer pid = options.serverPid != null ? options.serverPid : ProcessStats.findListener(options.port);
        ProcessStats stats = pid == null ? null : new ProcessStats(pid);
        System.out.println("Queen bench: " + options);
        System.out.println("server pid: " + (pid == null ? "not found (CPU/RSS not measured)" : pid));

        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(options.connections));
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(options.pgHost).setPort(options.pgPort).setDatabase(options.pgDb)
                .setUser(options.pgUser).setPassword(options.pgPassword)
                .setCachePreparedStatements(true);
        Pool checkPool = PgBuilder.pool()
                .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(2))
                .connectingTo(connect).using(vertx).build();
        // the baseline gets as many connections as there are loops (capped like a sane server pool)
        Pool rawPool = PgBuilder.pool()
                .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(Math.min(options.connections, 50)))
                .connectingTo(connect).using(vertx).build();

        Http http = new Http(client, options.host, options.port);
        if (options.warmupSeconds > 0) {
            warmUp(vertx, http, new DbCheck(checkPool), new RawInsert(rawPool), stats, options);
        }
        Scenarios scenarios = new Scenarios(vertx, http, new DbCheck(checkPool), new RawInsert(rawPool), stats,
                options);
        Map<String, Result> results = new LinkedHashMap<>();
        int exitCode = 0;
        try {
            for (String name : options.scenarios) {
                System.out.println();
                System.out.println("=== " + name + " ===");
                reportedErrors.set(0);
                if (name.equals("partitions")) {
                    new PartitionScale(options, checkPool).run(options.partitionCounts);
                    continue;
                }
                Result r = scenarios.run(name);
                results.put(name, r);
                System.out.println(Result.header());
                System.out.println(r.row());
                if (!r.exact()) {
                    exitCode = 1;
                }
            }
        } finally {
            printSummary(results);
            client.close();
            checkPool.close();
            rawPool.close();
            await(vertx.close());
        }
        return exitCode;
    }

    /** Untimed load through the server's and the database's hot paths before measuring. */
    private static void warmUp(Vertx vertx, Http http, DbCheck check, RawInsert raw, ProcessStats stats,
                               BenchOptions options) {
        int timed = options.durationSeconds;
        options.durationSeconds = options.warmupSeconds;
        try {
            System.out.println();
            System.out.println("=== warm-up (" + options.warmupSeconds + " s per step, not counted) ===");
            Scenarios warm = new Scenarios(vertx, http, check, raw, stats, options);
            for (String step : List.of("raw-insert", "push-b1-p100", "pop-ack")) {
                warm.run(step);
            }
        } finally {
            options.durationSeconds = timed;
        }
    }

    private static void printSummary(Map<String, Result> results) {
        if (results.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.println("=== summary ===");
        System.out.println(Result.header());
        results.values().forEach(r -> System.out.println(r.row()));
        Result raw = results.get("raw-insert");
        if (raw != null && raw.msgPerSec() > 0) {
            List<String> ratios = new ArrayList<>();
            for (String push : List.of("push-b100-p100", "push-b100-p1")) {
                Result r = results.get(push);
                if (r != null) {
                    ratios.add(String.format("%s / raw-insert = %.1f %%", push, 100.0 * r.msgPerSec() / raw.msgPerSec()));
                }
            }
            ratios.forEach(System.out::println);
        }
    }

    /** Blocks the main thread on a Vert.x future (never called on an event loop). */
    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Shows the first few transport errors of a scenario, so a count comes with a cause. */
    static void noteError(Throwable cause) {
        if (reportedErrors.incrementAndGet() <= 5) {
            System.out.println("  error: " + cause);
        }
    }
}
