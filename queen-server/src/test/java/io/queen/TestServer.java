package io.queen;

import io.queen.config.QueenConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Queen server on an embedded PostgreSQL, started once and shared by the test classes
 * of a run (each test uses its own queue names). {@link #start} makes extra, private ones.
 */
public final class TestServer {
    private static TestServer shared;

    public final QueenServer server;
    public final Http http;
    public final int port;
    public final Path dataDir;

    private TestServer(QueenServer server, int port, Path dataDir) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.http = new Http("http://127.0.0.1:" + port);
    }

    public static synchronized TestServer shared() {
        if (shared == null) {
            try {
                shared = start(TestDirs.temp("queen-test"), Map.of());
            } catch (Exception e) {
                throw new IllegalStateException("Could not start the test server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /** A server of its own on {@code dataDir}; extra settings override the test defaults. */
    public static TestServer start(Path dataDir, Map<String, String> settings) throws Exception {
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.put("QUEEN_DATA_DIR", dataDir.toString());
        env.put("QUEEN_THREADS", "2");
        env.put("QUEEN_SHUTDOWN_GRACE_MS", "1000");
        env.putAll(settings);
        return new TestServer(QueenServer.start(QueenConfig.from(env)), port, dataDir);
    }

    /** Settings for a server on a PostgreSQL started separately (embedded, trust auth) on {@code pgPort}. */
    public static Map<String, String> onDatabase(int pgPort, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("PG_HOST", "localhost", "PG_PORT", Integer.toString(pgPort),
                "PG_USER", "postgres", "PG_DB", "postgres"));
        if (more.length % 2 != 0) {
            throw new IllegalArgumentException("settings come in name/value pairs");
        }
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    public void stop() {
        server.stop();
    }

    /** Stops a server started on its own database, then the database; either may be null. */
    public static void stop(TestServer server, io.queen.db.EmbeddedDatabase db) throws Exception {
        if (server != null) {
            server.stop();
        }
        if (db != null) {
            db.close();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
