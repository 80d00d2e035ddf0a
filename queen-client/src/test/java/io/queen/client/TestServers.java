package io.queen.client;

import io.queen.QueenServer;
import io.queen.config.QueenConfig;
import io.queen.db.EmbeddedDatabase;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** Real Queen servers started in-process for the client tests, and their temporary folders. */
final class TestServers {
    private static final List<Path> DIRS = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestServers::deleteDirs, "client-test-dirs"));
    }

    /** A running server and its URL. */
    record Running(QueenServer server, int port, Path dataDir) {
        String url() {
            return "http://127.0.0.1:" + port;
        }

        void stop() {
            server.stop();
        }
    }

    private TestServers() {
    }

    static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        DIRS.add(dir);
        return dir;
    }

    /** A server on its own embedded PostgreSQL in a fresh folder. */
    static Running start(String... settings) throws Exception {
        return start(tempDir("queen-client-test"), settings);
    }

    static Running start(Path dataDir, String... settings) throws Exception {
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.put("QUEEN_DATA_DIR", dataDir.toString());
        env.put("QUEEN_THREADS", "2");
        env.put("QUEEN_SHUTDOWN_GRACE_MS", "1000");
        for (int i = 0; i + 1 < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return new Running(QueenServer.start(QueenConfig.from(env)), port, dataDir);
    }

    /** A server on an already running PostgreSQL (e.g. {@link EmbeddedDatabase}) at {@code pgPort}. */
    static Running onDatabase(int pgPort) throws Exception {
        return start(tempDir("queen-client-node"), "PG_HOST", "localhost", "PG_PORT", Integer.toString(pgPort),
                "PG_USER", "postgres", "PG_DB", "postgres");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteDirs() {
        for (Path dir : DIRS) {
            try (Stream<Path> tree = Files.walk(dir)) {
                tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | RuntimeException e) {
                // best effort
            }
        }
    }
}
