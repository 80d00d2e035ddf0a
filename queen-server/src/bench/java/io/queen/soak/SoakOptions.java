package io.queen.soak;

import java.nio.file.Path;

/** Command-line options of the soak run. */
final class SoakOptions {
    static final String USAGE = """
            usage: java -cp target/queen-bench.jar io.queen.soak.Soak [options]
              --duration S          seconds of load and faults (default 120)
              --outage-seconds S    how long PostgreSQL is unreachable (default 10 below 600 s, else 30)
              --partition-mode M    stall (default: nothing moves, nothing is reset) or reset
              --partitions N        partitions of the soak queue (default 40)
              --producers N         producer threads, each owning partitions/producers of them (default 8)
              --rate N              messages per second over all producers (default 100)
              --work-dir DIR        database, server folders and logs (default: a new temp folder)
              --idle-connections N  idle TCP connections of the flood fault (default 20000)
            """;

    int durationSeconds = 120;
    int outageSeconds = -1;
    String partitionMode = "stall";
    int partitions = 40;
    int producers = 8;
    int rate = 100;
    Path workDir;
    int idleConnections = 20_000;

    /** Returns null for --help. */
    static SoakOptions parse(String[] args) {
        SoakOptions o = new SoakOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--duration" -> o.durationSeconds = positive(a, v);
                case "--outage-seconds" -> o.outageSeconds = positive(a, v);
                case "--partition-mode" -> {
                    if (!v.equals("stall") && !v.equals("reset")) {
                        throw new IllegalArgumentException("--partition-mode is stall or reset");
                    }
                    o.partitionMode = v;
                }
                case "--partitions" -> o.partitions = positive(a, v);
                case "--producers" -> o.producers = positive(a, v);
                case "--rate" -> o.rate = positive(a, v);
                case "--work-dir" -> o.workDir = Path.of(v);
                case "--idle-connections" -> o.idleConnections = positive(a, v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (o.producers > o.partitions) {
            throw new IllegalArgumentException("--producers must not exceed --partitions (each owns at least one)");
        }
        if (o.outageSeconds < 0) {
            // a 30 s outage would take a quarter of a short run; the long run gets the full one
            o.outageSeconds = o.durationSeconds >= 600 ? 30 : 10;
        }
        return o;
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, got " + value);
    }

    @Override
    public String toString() {
        return "duration=" + durationSeconds + "s outage=" + outageSeconds + "s (" + partitionMode + ") partitions="
                + partitions + " producers=" + producers + " rate=" + rate + "/s";
    }
}
