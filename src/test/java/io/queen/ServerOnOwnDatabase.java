package io.queen;

import io.queen.db.EmbeddedDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A Queen server on an embedded PostgreSQL of its own, for test classes that also read or
 * write the database directly with JDBC (counting rows, ageing them, holding locks).
 */
final class ServerOnOwnDatabase implements AutoCloseable {
    final EmbeddedDatabase db;
    final TestServer server;

    private ServerOnOwnDatabase(EmbeddedDatabase db, TestServer server) {
        this.db = db;
        this.server = server;
    }

    /** @param settings name/value pairs overriding the test defaults */
    static ServerOnOwnDatabase start(String name, String... settings) throws Exception {
        Path dir = Files.createTempDirectory(name);
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        try {
            return new ServerOnOwnDatabase(db, TestServer.start(dir, TestServer.onDatabase(db.port(), settings)));
        } catch (Exception e) {
            db.close();
            throw e;
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + db.port() + "/postgres", "postgres", "");
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            db.close();
        }
    }
}
