package io.queen.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code Bench --wrk}: the figures of issue 15 in one command. wrk (a C load generator, so
 * the server keeps the cores a JVM client would take) drives the server, pgbench measures
 * the raw insert limit on the same database, and the server's and PostgreSQL's CPU are read
 * from /proc around each run. Ends with a Markdown table for BENCHMARKS.md.
 */
final class WrkBench {
    /** In run order: the raw limit first, so push-b100's ratio has it. */
    static final List<String> SCENARIOS = List.of("raw-pgbench", "push-b100", "push-b10", "push-b1", "pop-autoack",
            "pop-ack");

    private WrkBench() {
    }

    /** Answers the exit code: 0 every check passed, 1 a check failed, 2 a tool is missing. */
    static int run(BenchOptions options) throws Exception {
        if (!Wrk.onPath("wrk")) {
            System.err.println("bench --wrk: wrk is not on the PATH; install it first (Debian: apt-get install -y wrk)");
            return 2;
        }
        if (options.scenarios.contains("raw-pgbench") && !Wrk.onPath("pgbench")) {
            System.err.println("bench --wrk: pgbench is not on the PATH (Debian: apt-get install -y postgresql-client),"
                    + " or leave raw-pgbench out of --scenarios");
            return 2;
        }
        Integer pid = options.serverPid != null ? options.serverPid : ProcessStats.findListener(options.port);
        ProcessStats server = pid == null ? null : new ProcessStats(pid);

        Vertx vertx = Vertx.vertx();
        // the JVM's HTTP client only pre-fills the pop scenarios' queues, outside the measured runs
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(options.connections));
        Pool pool = PgBuilder.pool()
                .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(2))
                .connectingTo(new PgConnectOptions()
                        .setHost(options.pgHost).setPort(options.pgPort).setDatabase(options.pgDb)
                        .setUser(options.pgUser).setPassword(options.pgPassword))
                .using(vertx).build();
        Path dir = Files.createTempDirectory("queen-wrk");
        List<WrkRow> rows = new ArrayList<>();
        boolean allExact = true;
        try {
            PostgresCpu postgres = PostgresCpu.of(pool);
            System.out.println("Queen bench: " + options);
            System.out.println("server pid: " + (pid == null ? "not found (server CPU/RSS not measured)" : pid));
            System.out.println("PostgreSQL postmaster pid: " + (postgres == null
                    ? "not a local process (PostgreSQL CPU not measured)" : postgres.postmasterPid()));
            DbCheck db = new DbCheck(pool);
            WrkScenarios scenarios = new WrkScenarios(options,
                    new Wrk(dir, options.url, options.wrkThreads, options.connections), new PgBench(options, dir),
                    server, postgres, db, new RawInsert(pool),
                    new Scenarios(vertx, new Http(client, options.host, options.port), db, null, null, options));
            if (options.warmupSeconds > 0 && options.scenarios.stream().anyMatch(s -> !s.equals("raw-pgbench"))) {
                scenarios.warmUp(options.warmupSeconds);
            }
            for (String name : options.scenarios) {
                System.out.println();
                System.out.println("=== " + name + " ===");
                WrkRow row = scenarios.run(name);
                rows.add(row);
                allExact &= row.exact();
            }
        } finally {
            printTable(rows);
            deleteTree(dir);
            client.close();
            pool.close();
            Bench.await(vertx.close());
        }
        return allExact ? 0 : 1;
    }

    private static void printTable(List<WrkRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        WrkRow raw = rows.stream().filter(r -> r.scenario().equals("raw-pgbench")).findFirst().orElse(null);
        System.out.println();
        System.out.println("=== summary (Markdown) ===");
        System.out.println(WrkRow.markdownHeader());
        rows.forEach(r -> System.out.println(r.markdownRow(raw)));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
