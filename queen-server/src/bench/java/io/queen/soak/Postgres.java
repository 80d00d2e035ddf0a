package io.queen.soak;

import io.queen.db.EmbeddedDatabase;

import java.io.IOException;
import java.nio.file.Path;

/** The soak's own PostgreSQL: the embedded binaries, restartable on the same data and port. */
final class Postgres implements AutoCloseable {
    private final Path dir;
    private final int port;
    private EmbeddedDatabase db;

    Postgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    synchronized void start() throws IOException {
        db = EmbeddedDatabase.start(dir, port);
    }

    /** A clean (fast) shutdown: PostgreSQL ends every session, the servers see their connections drop. */
    synchronized void stop() throws IOException {
        if (db != null) {
            db.close();
            db = null;
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
