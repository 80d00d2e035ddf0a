package io.queen.bench;

/**
 * The wrk mode's scenarios: each runs its load generator (pgbench or wrk) for the duration,
 * measures server and PostgreSQL CPU around it, then checks the database.
 */
final class WrkScenarios {
    private static final String QUEUE_MODE = "__QUEUE_MODE__";
    private static final int PARTITIONS = 100;
    private static final int POP_BATCH = 100;

    private final BenchOptions options;
    private final Wrk wrk;
    private final PgBench pgbench;
    private final ProcessStats server;
    private final PostgresCpu postgres;
    private final DbCheck db;
    private final RawInsert raw;
    /** Only for pre-filling the pop scenarios' queues (untimed, so the JVM client is fine there). */
    private final Scenarios filler;

    WrkScenarios(BenchOptions options, Wrk wrk, PgBench pgbench, ProcessStats server, PostgresCpu postgres,
                 DbCheck db, RawInsert raw, Scenarios filler) {
        this.options = options;
        this.wrk = wrk;
        this.pgbench = pgbench;
        this.server = server;
        this.postgres = postgres;
        this.db = db;
        this.raw = raw;
        this.filler = filler;
    }

    WrkRow run(String name) throws Exception {
        return switch (name) {
            case "raw-pgbench" -> rawPgbench();
            case "push-b100" -> push(name, 100);
            case "push-b10" -> push(name, 10);
            case "push-b1" -> push(name, 1);
            case "pop-autoack" -> popAutoAck();
            case "pop-ack" -> popAck();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Untimed push and pop-ack load, so JIT compilation and cold caches do not count against the first scenario. */
    void warmUp(int seconds) throws Exception {
        String queue = Scenarios.queueName("wrk-warmup");
        Wrk.Run push = wrk.run("warmup-push", WrkScripts.PUSH, seconds, queue, "100", Integer.toString(PARTITIONS));
        Wrk.Run pop = wrk.run("warmup-pop-ack", WrkScripts.POP_ACK, seconds, queue);
        System.out.printf("warm-up (%d s each, not counted): %d messages pushed, %d popped and acked%n",
                seconds, push.get("msgs"), pop.get("msgs"));
    }

    private WrkRow rawPgbench() throws Exception {
        raw.preparePlain(); // a plain table with one unique index, emptied
        // the idle server's CPU would say nothing here, so only PostgreSQL is measured
        Usage.Measured<PgBench.Figures> m = Usage.around(null, postgres,
                () -> pgbench.run(options.connections, options.durationSeconds));
        PgBench.Figures f = m.value();
        long expected = f.transactions() * PgBench.ROWS_PER_TRANSACTION;
        long rows = raw.rowCount(RawInsert.PLAIN_TABLE);
        boolean exact = rows == expected;
        System.out.println("  " + f.command());
        System.out.printf("  exactness: transactions %d x %d rows = %d, rows in " + RawInsert.PLAIN_TABLE + " = %d -> %s%n",
                f.transactions(), PgBench.ROWS_PER_TRANSACTION, expected, rows, verdict(exact));
        return new WrkRow("raw-pgbench", expected, f.transactions(), f.rowsPerSecond(),
                f.rowsPerSecond() / PgBench.ROWS_PER_TRANSACTION, f.p50Ms(), f.p99Ms(), m.usage(), 0, exact);
    }

    /** Pushes of {@code batch} items, each request into one of 100 partitions at random. */
    private WrkRow push(String name, int batch) throws Exception {
        String queue = Scenarios.queueName("wrk-" + name);
        Usage.Measured<Wrk.Run> m = Usage.around(server, postgres, () -> wrk.run(name, WrkScripts.PUSH,
                options.durationSeconds, queue, Integer.toString(batch), Integer.toString(PARTITIONS)));
        Wrk.Run run = m.value();
        long queued = run.get("msgs");
        // pushes in flight when wrk stopped may have been stored without anyone reading the answer
        long mayBeStored = run.unanswered() * batch;
        DbCheck.Counts counts = db.messageCounts(queue);
        boolean exact = counts.rows() >= queued && counts.rows() <= queued + mayBeStored
                && counts.distinctIds() == counts.rows() && run.get("notqueued") == 0;
        System.out.printf("  exactness: items answered \"queued\" = %d, not queued = %d, requests unanswered at the stop = %d"
                        + " (up to %d more items may be stored), DB rows = %d, distinct ids = %d -> %s%n",
                queued, run.get("notqueued"), run.unanswered(), mayBeStored, counts.rows(), counts.distinctIds(),
                verdict(exact));
        return row(name, run, m.usage(), queued, seconds(run, "duration_us"), exact);
    }

    /** Pops of up to 100 with server-side ack, from a pre-filled queue. */
    private WrkRow popAutoAck() throws Exception {
        PopRun pop = pop("pop-autoack", WrkScripts.POP_AUTO_ACK);
        Wrk.Run run = pop.run();
        long total = pop.total();
        long received = run.get("msgs");
        long mayBeConsumed = run.unanswered() * POP_BATCH;
        long byCursor = db.consumedByCursor(pop.queue(), QUEUE_MODE);
        boolean exact = byCursor >= received && byCursor <= received + mayBeConsumed;
        System.out.printf("  exactness: messages received = %d, pops unanswered at the stop = %d (up to %d more may be"
                        + " consumed), DB consumed by cursor = %d of %d -> %s%n",
                received, run.unanswered(), mayBeConsumed, byCursor, total, verdict(exact));
        reportDry(run, byCursor, total);
        return row("pop-autoack", run, pop.usage(), received, seconds(run, "active_us"), exact);
    }

    /** Pops of up to 100 under a lease, each followed by an ack/batch of its messages. */
    private WrkRow popAck() throws Exception {
        PopRun pop = pop("pop-ack", WrkScripts.POP_ACK);
        Wrk.Run run = pop.run();
        long total = pop.total();
        long acked = run.get("msgs");
        long ackFailed = run.get("ackfail");
        long sent = run.get("acksent");
        // acks in flight when wrk stopped may have committed without anyone reading the answer
        long mayBeAcked = Math.max(0, sent - acked - ackFailed);
        long byCursor = db.consumedByCursor(pop.queue(), QUEUE_MODE);
        // every popped message goes into exactly one ack; a second ack of it would fail (its lease is gone)
        boolean exact = ackFailed == 0 && byCursor >= acked && byCursor <= acked + mayBeAcked;
        System.out.printf("  exactness: popped %d, acks sent for %d (the rest still leased at the stop), acked ok %d,"
                        + " failed %d, unanswered at the stop %d, DB consumed by cursor = %d of %d -> %s%n",
                run.get("popped"), sent, acked, ackFailed, mayBeAcked, byCursor, total, verdict(exact));
        reportDry(run, byCursor, total);
        return row("pop-ack", run, pop.usage(), acked, seconds(run, "active_us"), exact);
    }

    private record PopRun(String queue, long total, Wrk.Run run, Usage usage) {
    }

    /** Pre-fills a fresh queue (untimed), then runs the pop script on it under measurement. */
    private PopRun pop(String name, String script) throws Exception {
        String queue = Scenarios.queueName("wrk-" + name);
        long total = filler.prefill(queue, prefillCount());
        Usage.Measured<Wrk.Run> m = Usage.around(server, postgres,
                () -> wrk.run(name, script, options.durationSeconds, queue));
        return new PopRun(queue, total, m.value(), m.usage());
    }

    private long prefillCount() {
        return options.prefill != null ? options.prefill : (long) Scenarios.PREFILL_PER_SECOND * options.durationSeconds;
    }

    private WrkRow row(String name, Wrk.Run run, Usage usage, long messages, double seconds, boolean exact) {
        System.out.println("  " + run.command());
        long requests = run.get("requests");
        long otherErrors = run.get("dberr");
        if (run.errors() + otherErrors > 0) {
            System.out.printf("  errors: non-2xx %d, connect %d, read %d, write %d, timeout %d,"
                            + " 200 with {\"success\":false} %d%n", run.get("non2xx"), run.get("connect"),
                    run.get("read"), run.get("write"), run.get("timeout"), otherErrors);
        }
        WrkRow row = new WrkRow(name, messages, requests, messages / seconds, requests / seconds,
                run.get("p50_us") / 1e3, run.get("p99_us") / 1e3, usage, run.errors() + otherErrors, exact);
        System.out.printf("  %s: %,.0f msg/s, %,.0f req/s over %.1f s, p50 %.2f ms, p99 %.2f ms%n",
                name, row.msgPerSec(), row.reqPerSec(), seconds, row.p50Ms(), row.p99Ms());
        return row;
    }

    /**
     * Pushes use wrk's window; pops the time until their last message (their scripts stop a
     * thread once its pops keep coming back empty), so a queue that ran dry early is not
     * rated over the idle rest of the window. Without LuaJIT's clock: the window.
     */
    private static double seconds(Wrk.Run run, String key) {
        long micros = run.get(key);
        return (micros > 0 ? micros : run.get("duration_us")) / 1e6;
    }

    private void reportDry(Wrk.Run run, long consumed, long total) {
        if (consumed >= total) {
            System.out.printf("  note: the queue ran dry (all %d pre-filled messages consumed) after %.1f s of the %d s"
                    + " window; rates are over that time. More with --prefill.%n", total,
                    seconds(run, "active_us"), options.durationSeconds);
        }
    }

    private static String verdict(boolean ok) {
        return ok ? "OK" : "MISMATCH";
    }
}
