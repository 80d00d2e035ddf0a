package io.queen.cli.out;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr for long work: done/total, a bar and percentage when the total is
 * known, the rate and (with a total) the time left. Redrawn in place at most every 100 ms;
 * a disabled one (stderr not a terminal) prints nothing.
 */
public final class Progress implements AutoCloseable {
    private static final int BAR = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final String label;
    private final long total;
    private final PrintStream err;
    private final boolean enabled;
    private final LongSupplier clock;
    private final long started;
    private long done;
    private long drawn;

    public Progress(String label, long total, PrintStream err, boolean enabled) {
        this(label, total, err, enabled, System::nanoTime);
    }

    Progress(String label, long total, PrintStream err, boolean enabled, LongSupplier clock) {
        this.label = label;
        this.total = total;
        this.err = err;
        this.enabled = enabled;
        this.clock = clock;
        this.started = clock.getAsLong();
        this.drawn = started - REDRAW_NANOS;
    }

    public void advance(long n) {
        done += n;
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        if (now - drawn >= REDRAW_NANOS) {
            drawn = now;
            err.print("\r" + line(now) + "\u001b[K");
            err.flush();
        }
    }

    public long done() {
        return done;
    }

    /** The line as it would be drawn at {@code now} (nanoseconds of the clock). */
    String line(long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        StringBuilder text = new StringBuilder(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(BAR, BAR * done / total);
            text.append('[').append("#".repeat(filled)).append("-".repeat(BAR - filled)).append("] ")
                    .append(Math.min(100, 100 * done / total)).append("% ")
                    .append(done).append('/').append(total);
        } else {
            text.append(done);
        }
        text.append(' ').append(String.format(java.util.Locale.ROOT, "%.0f/s", rate));
        if (total > 0 && rate > 0) {
            long left = (long) Math.ceil(Math.max(0, total - done) / rate);
            text.append(" ETA ").append(clockTime(left));
        }
        return text.toString();
    }

    static String clockTime(long seconds) {
        return seconds >= 3600
                ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(java.util.Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** Draws the final state and ends the line. */
    @Override
    public void close() {
        if (enabled) {
            err.print("\r" + line(clock.getAsLong()) + "\u001b[K\n");
            err.flush();
        }
    }
}
