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
        TestServer server = TestServer.shared();
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Bench.run(new String[]{
                    "--url", "http://127.0.0.1:" + server.port,
                    "--data-dir", server.dataDir.toString(), "--warmup", "0",
                    "--scenarios", "partitions", "--partition-counts", "50", "--partition-pops", "20"});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertEquals(0, exit, out);
        assertTrue(out.contains("=== partitions: summary ==="), out);
        assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("50 ")), "no row for 50 partitions:\n" + out);
    }

    @Test
    void shortRunOfEveryKindOfScenarioPassesItsExactnessChecks() throws Exception {
        TestServer server = TestServer.shared();
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Bench.run(new String[]{
                    "--url", "http://127.0.0.1:" + server.port,
                    "--data-dir", server.dataDir.toString(),
                    "--connections", "8", "--duration", "1", "--warmup", "0",
                    "--scenarios", "raw-insert,push-b10-p100,pop-ack,fanout-5"});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertEquals(0, exit, out);
        assertTrue(out.contains("=== summary ==="), out);
        for (String scenario : new String[]{"raw-insert", "push-b10-p100", "pop-ack", "fanout-5"}) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(scenario) && l.trim().endsWith("OK")),
                    scenario + " has no passing row:\n" + out);
        }
    }
}
