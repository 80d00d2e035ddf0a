package io.queen.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command-line options of {@link Bench}. */
final class BenchOptions {
    /** Every scenario, in run order: the raw-insert baseline first, so the ratios can use it. */
    static final List<String> ALL_SCENARIOS = List.of(
            "raw-insert",
            "push-b1-p1", "push-b10-p1", "push-b100-p1",
            "push-b1-p100", "push-b10-p100", "push-b100-p100",
            "pop-autoack", "pop-ack", "push-pop", "fanout-5");
    /** Scenarios only run when asked for by name (long, and with a table of their own). */
    /** Run only when named; the -enc ones need a server with QUEEN_ENCRYPTION_KEY. */
    static final List<String> EXTRA_SCENARIOS = List.of("partitions", "push-b10-p100-enc", "pop-autoack-enc", "streams");

    String url = "http://127.0.0.1:6632";
    int connections = 50;
    int durationSeconds = 10;
    int warmupSeconds = 3;
    List<String> scenarios = ALL_SCENARIOS;
    String pgHost;
    int pgPort = 5432;
    String pgUser = "postgres";
    String pgPassword = "postgres";
    String pgDb = "postgres";
    String dataDir = "./queen-data";
    Integer serverPid;
    List<Integer> partitionCounts = List.of(10, 1_000, 5_000, 100_000, 1_000_000);
    int partitionPops = 300;
    /** The wrk mode ({@link WrkBench}): its own scenarios, driven by wrk and pgbench. */
    boolean wrk;
    int wrkThreads = 2;
    /** Messages pre-filled per pop scenario in the wrk mode; null: PREFILL_PER_SECOND x duration. */
    Long prefill;
    int streamEvents = 5_000;
    int streamPartitions = 20;

    String host;
    int port;

    static final String USAGE = String.join("\n",
            "Usage: java -cp target/queen-bench.jar io.queen.bench.Bench [options]",
            "Drives a running Queen server and prints throughput, latency, server CPU/RSS and exactness checks.",
            "",
            "  --url URL            server address (default http://127.0.0.1:6632)",
            "  --connections N      concurrent request loops / HTTP connections (default 50)",
            "  --duration SECONDS   timed length of each scenario (default 10)",
            "  --warmup SECONDS     untimed load before the first scenario, so JIT compilation and",
            "                       cold caches do not count against it (default 3, 0 = none)",
            "  --scenarios LIST     comma list (default all): " + String.join(",", ALL_SCENARIOS),
            "                       and, only by name: " + String.join(",", EXTRA_SCENARIOS),
            "  --pg-host HOST       PostgreSQL used by the server (for checks and raw-insert)",
            "  --pg-port PORT       (default 5432)",
            "  --pg-user USER       (default postgres)",
            "  --pg-password PW     (default postgres)",
            "  --pg-db DB           (default postgres)",
            "  --data-dir DIR       without --pg-host: the server's embedded PostgreSQL lives in DIR/pg;",
            "                       its port is read from DIR/pg/postmaster.pid (default ./queen-data)",
            "  --server-pid PID     process to measure (default: the one listening on the URL's port)",
            "  --partition-counts L the 'partitions' scenario (run only when named): queue sizes to",
            "                       measure, comma list (default 10,1000,5000,100000,1000000)",
            "  --partition-pops N   sequential pops timed per queue size there (default 300)",
            "",
            "  --wrk                the wrk mode: wrk drives the server and pgbench measures the raw insert",
            "                       limit; prints a Markdown table (needs wrk and pgbench on the PATH).",
            "                       Its scenarios: " + String.join(",", WrkBench.SCENARIOS),
            "  --wrk-threads N      wrk threads (default 2)",
            "  --prefill N          wrk mode: messages pre-filled for each pop scenario",
            "                       (default 20000 per second of --duration)",
            "  --stream-events N    the 'streams' scenario (run only when named): events of its windowed",
            "                       sum, consumed once whatever --duration says (default 5000)",
            "  --stream-partitions N  source partitions of the 'streams' scenario (default 20)",
            "  --help               this text");

    /** Returns null when --help was asked for. */
    static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        String scenarioArg = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (a.equals("--wrk")) { // a flag: the only option without a value
                o.wrk = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> o.url = v;
                case "--connections" -> o.connections = positive(a, v);
                case "--duration" -> o.durationSeconds = positive(a, v);
                case "--warmup" -> o.warmupSeconds = nonNegative(a, v);
                case "--scenarios" -> scenarioArg = v; // checked below, against the mode's list
                case "--pg-host" -> o.pgHost = v;
                case "--pg-port" -> o.pgPort = positive(a, v);
                case "--pg-user" -> o.pgUser = v;
                case "--pg-password" -> o.pgPassword = v;
                case "--pg-db" -> o.pgDb = v;
                case "--data-dir" -> o.dataDir = v;
                case "--server-pid" -> o.serverPid = positive(a, v);
                case "--partition-counts" -> o.partitionCounts = countList(a, v);
                case "--partition-pops" -> o.partitionPops = positive(a, v);
                case "--wrk-threads" -> o.wrkThreads = positive(a, v);
                case "--prefill" -> o.prefill = (long) positive(a, v);
                case "--stream-events" -> o.streamEvents = positive(a, v);
                case "--stream-partitions" -> o.streamPartitions = positive(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.wrk) {
            o.scenarios = scenarioArg == null ? WrkBench.SCENARIOS : wrkScenarioList(scenarioArg);
        } else if (scenarioArg != null) {
            o.scenarios = scenarioList(scenarioArg);
        }
        URI uri = URI.create(o.url);
        o.host = uri.getHost();
        o.port = uri.getPort() > 0 ? uri.getPort() : 80;
        if (o.host == null) {
            throw new IllegalArgumentException("--url needs a host: " + o.url);
        }
        return o;
    }

    /** Without --pg-host the database is the server's embedded one; postmaster.pid line 4 is its port. */
    void resolveDatabase() throws IOException {
        if (pgHost != null) {
            return;
        }
        Path pid = Path.of(dataDir, "pg", "postmaster.pid");
        List<String> lines = Files.readAllLines(pid);
        if (lines.size() < 4) {
            throw new IOException(pid + " has no port line");
        }
        pgHost = "localhost";
        pgPort = Integer.parseInt(lines.get(3).trim());
        pgUser = "postgres";
    }

    private static int nonNegative(String name, String v) {
        return v.equals("0") ? 0 : positive(name, v);
    }

    private static int positive(String name, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " needs a positive integer, got " + v);
    }

    private static List<String> scenarioList(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            s = s.trim();
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals("all")) {
                return ALL_SCENARIOS;
            }
            if (!ALL_SCENARIOS.contains(s) && !EXTRA_SCENARIOS.contains(s)) {
                throw new IllegalArgumentException("unknown scenario " + s + "; known: " + ALL_SCENARIOS
                        + " and " + EXTRA_SCENARIOS);
            }
            out.add(s);
        }
        // keep the canonical order so raw-insert runs first whatever the user typed
        out.sort((x, y) -> Integer.compare(order(x), order(y)));
        return out;
    }

    /** The wrk mode's scenarios run in their fixed order (the raw limit first, for the ratio). */
    private static List<String> wrkScenarioList(String v) {
        List<String> asked = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String s : asked) {
            if (!WrkBench.SCENARIOS.contains(s)) {
                throw new IllegalArgumentException("unknown wrk scenario " + s + "; known: " + WrkBench.SCENARIOS);
            }
        }
        return WrkBench.SCENARIOS.stream().filter(asked::contains).toList();
    }

    private static int order(String scenario) {
        int i = ALL_SCENARIOS.indexOf(scenario);
        return i >= 0 ? i : ALL_SCENARIOS.size() + EXTRA_SCENARIOS.indexOf(scenario);
    }

    private static List<Integer> countList(String name, String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(positive(name, s.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + " needs at least one count");
        }
        return out;
    }

    @Override
    public String toString() {
        return (wrk ? "wrk mode, " : "") + "url=" + url + " connections=" + connections + " duration=" + durationSeconds + "s"
                + " db=" + pgUser + "@" + pgHost + ":" + pgPort + "/" + pgDb
                + " scenarios=" + Arrays.toString(scenarios.toArray());
    }
}
