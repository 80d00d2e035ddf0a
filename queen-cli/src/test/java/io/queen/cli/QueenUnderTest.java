package io.queen.cli;

import io.queen.QueenServer;
import io.queen.config.QueenConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A real server on an embedded PostgreSQL, for one test class. */
final class QueenUnderTest implements AutoCloseable {
    final QueenServer server;
    final String url;

    QueenUnderTest() throws Exception {
        this(Map.of());
    }

    /** @param settings more server settings (JWT, ...) */
    QueenUnderTest(Map<String, String> settings) throws Exception {
        int port = freePort();
        Path data = Files.createTempDirectory("queen-cli-test");
        Map<String, String> env = new java.util.HashMap<>(Map.of("PORT", Integer.toString(port), "HOST", "127.0.0.1",
                "QUEEN_DATA_DIR", data.toString(), "QUEEN_THREADS", "2", "QUEEN_SHUTDOWN_GRACE_MS", "1000"));
        env.putAll(settings);
        server = QueenServer.start(QueenConfig.from(env));
        url = "http://127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
