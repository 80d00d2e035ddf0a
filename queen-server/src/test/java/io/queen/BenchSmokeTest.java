package io.queen;

import io.queen.bench.Bench;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The benchmark harness runs its scenarios against a real server and checks them exactly. */
class BenchSmokeTest {

    @Test
    void partitionsScenarioPrintsItsTable() throws Exception {
        String out = bench("--warmup", "0",
                "--scenarios", "partitions", "--partition-counts", "50", "--partition-pops", "20");
        assertTrue(out.contains("=== partitions: summary ==="), out);
        assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("50 ")), "no row for 50 partitions:\n" + out);
    }

    @Test
    void shortRunOfEveryKindOfScenarioPassesItsExactnessChecks() throws Exception {
        String out = bench("--connections", "8", "--duration", "1", "--warmup", "0",
                "--scenarios", "raw-insert,push-b10-p100,pop-ack,fanout-5");
        assertTrue(out.contains("=== summary ==="), out);
        for (String scenario : new String[]{"raw-insert", "push-b10-p100", "pop-ack", "fanout-5"}) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(scenario) && l.trim().endsWith("OK")),
                    scenario + " has no passing row:\n" + out);
        }
    }

    @Test
    void streamsScenarioEndsWithTheSinkSumsOfTheInput() throws Exception {
        String out = bench("--connections", "4", "--warmup", "0", "--scenarios", "streams",
                "--stream-events", "400", "--stream-partitions", "4");
        assertTrue(out.contains("streams: 400 events over 4 partitions"), out);
        assertTrue(out.contains("same sums; 0 emitted twice; DB consumed by cursor = 400 of 400 -> OK"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("streams") && l.trim().endsWith("OK")), out);
    }

    /**
     * The wrk mode for a second per scenario, when wrk is installed (it is not a build
     * dependency); the raw baseline too when pgbench is. Exactness allows for the requests
     * wrk leaves in flight when it stops, so a short run is not a flaky one.
     */
    @Test
    void wrkModeRunsEveryScenarioExactly() throws Exception {
        assumeTrue(onPath("wrk"), "wrk is not installed (apt-get install -y wrk): the wrk mode is not tested");
        String scenarios = (onPath("pgbench") ? "raw-pgbench," : "") + "push-b100,push-b1,pop-autoack,pop-ack";
        String out = bench("--wrk", "--connections", "8", "--duration", "1", "--warmup", "0", "--prefill", "2000",
                "--scenarios", scenarios);
        assertTrue(out.contains("=== summary (Markdown) ==="), out);
        for (String scenario : scenarios.split(",")) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith("| " + scenario + " |") && l.endsWith("| OK |")),
                    scenario + " has no passing row:\n" + out);
        }
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command)));
    }

    /** Runs the harness against the shared server with these options; asserts exit 0, answers its output. */
    private static String bench(String... options) throws Exception {
        TestServer server = TestServer.shared();
        String[] args = new String[options.length + 4];
        args[0] = "--url";
        args[1] = "http://127.0.0.1:" + server.port;
        args[2] = "--data-dir";
        args[3] = server.dataDir.toString();
        System.arraycopy(options, 0, args, 4, options.length);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Bench.run(args);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertEquals(0, exit, out);
        return out;
    }
}
