package io.queen.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs wrk with one of {@link WrkScripts} and parses the {@code RESULT key=value} lines its done() prints. */
final class Wrk {
    private final Path scriptDir;
    private final String url;
    private final int threads;
    private final int connections;

    Wrk(Path scriptDir, String url, int threads, int connections) {
        this.scriptDir = scriptDir;
        this.url = url;
        this.threads = threads;
        this.connections = connections;
    }

    /** The figures of one wrk run; a key wrk did not print reads as 0. */
    record Run(Map<String, Long> values, String command, String output) {
        long get(String key) {
            return values.getOrDefault(key, 0L);
        }

        /** Requests written whose answer wrk never read (in flight when it stopped). */
        long unanswered() {
            return Math.max(0, get("sent") - get("answered"));
        }

        /** Non-2xx answers plus socket errors and timeouts. */
        long errors() {
            return get("non2xx") + get("connect") + get("read") + get("write") + get("timeout");
        }
    }

    /** Runs {@code script} (saved as {@code name}.lua) for {@code seconds}, passing {@code args} to its init(). */
    Run run(String name, String script, int seconds, String... args) throws IOException, InterruptedException {
        Path file = scriptDir.resolve(name + ".lua");
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections,
                "-d" + seconds + "s",
                // wrk's default of 2 s would drop slow answers from the latency figures as "timeouts"
                "--timeout", "30s", "--latency", "-s", file.toString(), url, "--"));
        command.addAll(List.of(args));
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes());
        int exit = wrk.waitFor();
        Map<String, Long> values = new HashMap<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("RESULT ")) {
                continue;
            }
            for (String pair : line.substring(7).trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                values.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        String shown = String.join(" ", command);
        if (exit != 0 || !values.containsKey("requests")) {
            throw new IllegalStateException("wrk failed (exit " + exit + "): " + shown + "\n" + output);
        }
        return new Run(values, shown, output);
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
