package io.queen.db;

import io.queen.config.DatabaseSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Runs the schema migrations ({@link Migrations}) in a short-lived JVM of their own, started
 * from the server's own class path, and waits for it. Flyway and the JDBC driver are needed
 * once per start; loaded into the server they would stay resident for its whole life (about
 * 9 MB of class metadata, symbols and compiled code, see BENCHMARKS.md), a fair share of the
 * 128 MB the launcher sizes the server for. The price is one more JVM start per server start.
 *
 * <p>The JDBC URL, user and password reach the child on its standard input, never on its
 * command line or in its environment, which other users of the machine may read. Its log lines
 * go where the server's go (standard error is inherited); its standard output carries the
 * outcome back: nothing on success, one {@value #FAILURE}line with the message otherwise, which
 * the server then fails with, as it did when the migrations ran inside it.
 */
public final class MigrationProcess {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationProcess.class);
    private static final String FAILURE = "queen-migrations-failed ";
    /** System properties the child inherits: the log format and level, and TLS trust for JDBC. */
    private static final List<String> INHERITED_PROPERTIES = List.of("org.slf4j.", "javax.net.ssl.", "jdk.tls.");

    private MigrationProcess() {
    }

    /** Blocking, like {@link Migrations#apply}: throws {@link IllegalStateException} when they fail. */
    public static void run(DatabaseSettings db) {
        long started = System.nanoTime();
        List<String> command = command();
        Process child;
        try {
            child = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("Schema migration failed: could not start a JVM for it ("
                    + command.get(0) + "): " + e.getMessage(), e);
        }
        String failure = null;
        try {
            try (Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
                in.write(encode(JdbcUrls.of(db)) + "\n" + encode(db.user) + "\n" + encode(db.password) + "\n");
            }
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(FAILURE)) {
                        failure = decode(line.substring(FAILURE.length()));
                    } else {
                        System.out.println(line); // not ours: whatever a library printed
                    }
                }
            }
            int exit = child.waitFor();
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            if (exit != 0) {
                throw new IllegalStateException("Schema migration failed: its JVM exited with code " + exit
                        + " (see the lines before)");
            }
        } catch (IOException e) {
            child.destroyForcibly();
            throw new IllegalStateException("Schema migration failed: lost contact with its JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Schema migration interrupted", e);
        }
        LOG.info("Schema migrations checked in a JVM of their own ({} ms)", (System.nanoTime() - started) / 1_000_000);
    }

    static List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a few seconds of work: the quick compiler only, a small heap, the collector with no threads
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx64m");
        for (String name : System.getProperties().stringPropertyNames()) {
            if (INHERITED_PROPERTIES.stream().anyMatch(name::startsWith)) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MigrationProcess.class.getName());
        return command;
    }

    /** The child: reads URL, user and password, migrates, exits 0, or 1 after a {@value #FAILURE}line. */
    public static void main(String[] args) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String url = decode(in.readLine());
            String user = decode(in.readLine());
            String password = decode(in.readLine());
            Migrations.apply(url, user, password, Migrations.LOCATION);
        } catch (Throwable e) {
            if (!(e instanceof IllegalStateException)) {
                e.printStackTrace(); // unexpected: the server's log gets the whole story
            }
            String message = e instanceof IllegalStateException ? e.getMessage() : "Schema migration failed: " + e;
            System.out.println(FAILURE + encode(message));
            System.out.flush();
            System.exit(1);
        }
        System.exit(0);
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String line) throws IOException {
        if (line == null) {
            throw new IOException("the server closed the migration's input early");
        }
        return new String(Base64.getDecoder().decode(line), StandardCharsets.UTF_8);
    }
}
