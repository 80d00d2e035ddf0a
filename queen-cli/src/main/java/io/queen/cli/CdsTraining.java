package io.queen.cli;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The launcher's one-time training run for the class-data-sharing archive: runs the commands
 * that load most classes (help of every command, the renderers, a client call to a port where
 * nothing listens) with their output thrown away, so the archive holds what real runs load.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        Io io = new Io(new ByteArrayInputStream(new byte[0]), nowhere, nowhere, true, false,
                Map.of(), Path.of(System.getProperty("java.io.tmpdir")));
        Main.run(io, "--help");
        Main.run(io, "queue", "list", "--help");
        String nobody = "http://127.0.0.1:9";
        for (String format : new String[] {"table", "json", "yaml", "ndjson", "jsonpath=$.a"}) {
            Main.run(io, "ping", "--server", nobody, "-o", format);
        }
        Main.run(io, "config", "get-contexts", "--config", Path.of(System.getProperty("java.io.tmpdir"),
                "queen-cds-training-absent").toString());
        System.exit(0);
    }
}
