package io.queen.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of this process from /proc/self (Linux). Reads a file: call it off the
 * event loops. Elsewhere every figure is 0.
 */
public record ProcSelf(long userMicros, long systemMicros, long residentBytes, long virtualBytes) {
    /** USER_HZ: the kernel reports CPU times in 1/100 s on every Linux architecture in use. */
    private static final long MICROS_PER_TICK = 10_000;
    static final ProcSelf UNKNOWN = new ProcSelf(0, 0, 0, 0);

    public static ProcSelf read() {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/self/stat"));
        } catch (IOException | UnsupportedOperationException e) {
            return UNKNOWN;
        }
        // the name in field 2 may hold spaces: fields are counted from the ')' that closes it,
        // where field 3 (state) is index 0: utime = 14, stime = 15, vsize = 23
        String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
        try {
            return new ProcSelf(Long.parseLong(fields[11]) * MICROS_PER_TICK,
                    Long.parseLong(fields[12]) * MICROS_PER_TICK,
                    QueenMetrics.residentBytes(), Long.parseLong(fields[20]));
        } catch (RuntimeException e) {
            return UNKNOWN;
        }
    }
}
