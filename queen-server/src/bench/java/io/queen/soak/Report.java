package io.queen.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The end-of-run tables and the verdict: what failed, if anything. */
final class Report {
    /** Redeliveries this long after a fault recovered are still blamed on it (lease time + a margin). */
    static final long DUPLICATE_GRACE_MS = (Soak.LEASE_SECONDS + 15) * 1000L;

    private final StringBuilder out = new StringBuilder();
    private final List<String> failures = new ArrayList<>();

    List<String> failures() {
        return failures;
    }

    void fail(String why) {
        failures.add(why);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void line(String format, Object... args) {
        out.append(String.format(format, args)).append('\n');
    }

    void faults(List<FaultRecord> records) {
        line("");
        line("Faults");
        line("%-4s %-8s %-29s %-14s %-9s %-13s %s", "#", "at (s)", "fault", "target", "took (s)", "recovered (s)",
                "notes");
        int i = 0;
        for (FaultRecord r : records) {
            i++;
            if (!r.injected()) {
                line("%-4d %-8.1f %-29s %-14s %-9s %-13s SKIPPED: %s", i, r.startedMs / 1000.0, r.name, r.target, "-",
                        "-", r.skippedBecause);
                continue;
            }
            String recovered = r.recoveredMs < 0 ? "NEVER"
                    : String.format("%.1f", (r.recoveredMs - r.endedMs) / 1000.0);
            line("%-4d %-8.1f %-29s %-14s %-9.1f %-13s %s%s", i, r.startedMs / 1000.0, r.name, r.target,
                    (r.endedMs - r.startedMs) / 1000.0, recovered, r.note,
                    r.problem == null ? "" : " PROBLEM: " + r.problem);
            if (r.problem != null) {
                fail(r.name + " at " + r.startedMs / 1000 + " s: " + r.problem);
            }
        }
        for (String name : Faults.NAMES) {
            boolean seen = records.stream().anyMatch(r -> r.name.equals(name));
            if (!seen) {
                line("     %s: not reached in this run", name);
            }
        }
        line("(took: from the start of the fault until it was lifted; recovered: from then until both servers"
                + " answered /health with 200)");
    }

    void messages(Ledger ledger, List<FaultRecord> faults, long startMillis) {
        line("");
        line("Messages: %d accepted over %d partitions", ledger.acceptedTotal(), ledger.partitions());
        line("%-12s %-10s %-11s %-24s %-6s %-17s %s", "group", "delivered", "deliveries", "duplicates (faults/other)",
                "lost", "order violations", "beyond accepted");
        for (GroupLog g : ledger.groups().values()) {
            long lost = 0;
            long beyond = 0;
            for (int p = 0; p < ledger.partitions(); p++) {
                lost += g.missing(p, ledger.accepted(p));
                beyond += g.beyond(p, ledger.accepted(p));
            }
            List<Long> dups = g.duplicateTimes();
            long inFaults = dups.stream().filter(t -> nearFault(t - startMillis, faults)).count();
            line("%-12s %-10d %-11d %-24s %-6d %-17d %d", g.label, g.distinctTotal(), g.deliveries(),
                    dups.size() + " (" + inFaults + "/" + (dups.size() - inFaults) + ")", lost, g.violations(), beyond);
            if (lost > 0) {
                fail(g.label + ": " + lost + " accepted message(s) never delivered");
            }
            if (g.violations() > 0) {
                fail(g.label + ": " + g.violations() + " FIFO violation(s)");
                g.violationSamples().forEach(v -> line("  order violation: %s", v));
            }
        }
        line("(delivered: distinct messages; duplicates: further deliveries of a message to the same group,"
                + " split by whether they came during a fault or within %d s after its recovery; beyond accepted:"
                + " delivered messages whose push never got its 2xx before the run ended)", DUPLICATE_GRACE_MS / 1000);
    }

    private static boolean nearFault(long atMs, List<FaultRecord> faults) {
        for (FaultRecord f : faults) {
            long end = Math.max(f.endedMs, f.recoveredMs);
            if (f.injected() && atMs >= f.startedMs && atMs <= end + DUPLICATE_GRACE_MS) {
                return true;
            }
        }
        return false;
    }

    void database(DbVerifier.Stored stored, Map<String, Long> unconsumed) {
        line("");
        line("Database: %d rows stored; accepted but missing %d; stored more than once %d; stored but never"
                + " confirmed to the producer %d", stored.rows(), stored.missing(), stored.storedTwice(),
                stored.notConfirmed());
        line("Unconsumed by cursor after the drain: %s", unconsumed);
        if (stored.missing() > 0) {
            fail("database: " + stored.missing() + " accepted message(s) not stored");
        }
        if (stored.storedTwice() > 0) {
            fail("database: " + stored.storedTwice() + " message(s) stored more than once");
        }
    }

    void servers(List<ServerNode> servers, List<String> crashes) {
        line("");
        line("%-8s %-15s %-14s %-13s %s", "server", "RSS start (MB)", "RSS peak (MB)", "RSS end (MB)", "log");
        for (ServerNode s : servers) {
            line("%-8s %-15d %-14d %-13d %s", s.name, s.rssStartKb() / 1024, s.rssPeakKb() / 1024,
                    s.rssLastKb() / 1024, s.log());
        }
        for (String crash : crashes) {
            line("CRASH: %s", crash);
            fail(crash);
        }
    }

    void latencies(Latencies push, Latencies pop) {
        line("");
        line("Latency per %d s slice (push: every attempt, failed ones included; pop: long-polls that returned"
                + " messages, waiting included)", push.sliceSeconds());
        line("%-12s %-8s %-10s %-10s %-8s %-10s %-10s", "slice (s)", "pushes", "p50 ms", "p99 ms", "pops", "p50 ms",
                "p99 ms");
        for (int i = 0; i < push.sliceCount(); i++) {
            double[] a = push.summary(i);
            double[] b = pop.summary(i);
            String slice = (i * push.sliceSeconds()) + "-" + ((i + 1) * push.sliceSeconds());
            line("%-12s %-8d %-10.1f %-10.1f %-8d %-10.1f %-10.1f", slice, (long) a[0], a[1], a[2], (long) b[0], b[1],
                    b[2]);
        }
    }

    void outcomes(Map<String, Long> outcomes) {
        line("");
        line("Answers seen by the clients:");
        outcomes.forEach((k, v) -> line("  %-60s %d", k, v));
    }

    void verdict() {
        line("");
        if (failures.isEmpty()) {
            line("RESULT: PASS (no message lost, none stored twice, FIFO held, every server came back)");
        } else {
            line("RESULT: FAIL");
            failures.forEach(f -> line("  - %s", f));
        }
    }
}
