package io.queen.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw limit for push batch 100, measured by pgbench (a C client, so it leaves the cores
 * to PostgreSQL): transactions of one 100-row INSERT into a plain table with one unique index
 * on (partition_id, transaction_id), as issue 15 defines the raw limit (queen.messages itself
 * has two more indexes: its primary key and the one consumers read in order by), all rows of
 * a transaction in one of 100 partitions drawn at random, like the push-b100 scenario's requests.
 */
final class PgBench {
    static final int ROWS_PER_TRANSACTION = 100;

    /*
     * The id is UUIDv7-shaped (milliseconds first, then random hex), like the server's: random
     * v4 keys would scatter the primary-key inserts and make the baseline unfairly slow.
     * md5('p' || :p) gives each of the 100 partitions a fixed uuid.
     */
    private static final String SCRIPT = """
            \\set p random(0, 99)
            INSERT INTO queen_bench.raw_plain (id, transaction_id, partition_id, payload, created_at)
            SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
                    || '7' || substr(md5(random()::text), 1, 19))::uuid,
                   gen_random_uuid()::text,
                   md5('p' || :p)::uuid,
                   ('{"message":"Hello World","n":' || g || '}')::jsonb,
                   now()
            FROM generate_series(1, 100) AS g;
            """;
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    /** pgbench's own figures; latencies from its per-transaction log. */
    record Figures(long transactions, double rowsPerSecond, double p50Ms, double p99Ms, String command) {
    }

    private final BenchOptions options;
    private final Path dir;

    PgBench(BenchOptions options, Path dir) {
        this.options = options;
        this.dir = dir;
    }

    /** Runs pgbench for {@code seconds} with {@code clients} connections into a table the caller has emptied. */
    Figures run(int clients, int seconds) throws IOException, InterruptedException {
        Path script = dir.resolve("raw-insert.sql");
        Files.writeString(script, SCRIPT);
        Path logs = Files.createDirectories(dir.resolve("pgbench-log"));
        List<String> command = List.of("pgbench", "-n", // -n: no vacuum of pgbench's own tables (there are none)
                "-h", options.pgHost, "-p", Integer.toString(options.pgPort), "-U", options.pgUser,
                "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds),
                "-f", script.toString(), "-l", "--log-prefix", logs.resolve("tx").toString(), options.pgDb);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", options.pgPassword);
        Process pgbench = builder.start();
        String output = new String(pgbench.getInputStream().readAllBytes());
        int exit = pgbench.waitFor();
        Matcher processed = PROCESSED.matcher(output);
        Matcher tps = TPS.matcher(output);
        String shown = String.join(" ", command);
        if (exit != 0 || !processed.find() || !tps.find()) {
            throw new IllegalStateException("pgbench failed (exit " + exit + "): " + shown + "\n" + output);
        }
        long[] latencies = sortedLatencyNanos(logs);
        return new Figures(Long.parseLong(processed.group(1)),
                Double.parseDouble(tps.group(1)) * ROWS_PER_TRANSACTION,
                Meter.percentileMs(latencies, 0.50), Meter.percentileMs(latencies, 0.99), shown);
    }

    /** Third column (µs) of every line of pgbench's per-transaction logs (one file per thread), sorted, in ns. */
    private static long[] sortedLatencyNanos(Path logs) throws IOException {
        List<Long> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logs)) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f)) {
                    String[] cols = line.trim().split("\\s+");
                    if (cols.length > 2) {
                        all.add(Long.parseLong(cols[2]) * 1000);
                    }
                }
            }
        }
        return all.stream().mapToLong(Long::longValue).sorted().toArray();
    }
}
