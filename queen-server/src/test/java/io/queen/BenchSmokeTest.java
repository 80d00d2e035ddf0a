package io.queen;

import io.queen.bench.Bench;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
