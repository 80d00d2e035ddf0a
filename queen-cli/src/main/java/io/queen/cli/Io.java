package io.queen.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a run of the command line reads and writes: the standard streams, whether stdout and
 * stderr are terminals, the environment and the home folder. Tests pass their own.
 */
public record Io(InputStream in, PrintStream out, PrintStream err, boolean outTty, boolean errTty,
                 Map<String, String> env, Path home) {

    /** The process's own streams and environment; a terminal when the JVM has a console. */
    public static Io system() {
        boolean tty = System.console() != null;
        return new Io(System.in, System.out, System.err, tty, tty, System.getenv(),
                Path.of(System.getProperty("user.home")));
    }

    public String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
