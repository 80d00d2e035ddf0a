package io.queen;

import io.queen.db.EmbeddedDatabase;

import java.nio.file.Path;
import java.sql.Connection;

/**
 * A Queen server on an embedded PostgreSQL of its own, for test classes that also read or
 * write the database directly with JDBC (counting rows, ageing them, holding locks).
 */
final class ServerOnOwnDatabase implements AutoCloseable {
    final EmbeddedDatabase db;
    final TestServer server;
    final TestSql sql;

    private ServerOnOwnDatabase(EmbeddedDatabase db, TestServer server) {
        this.db = db;
        this.server = server;
        this.sql = new TestSql(db.port());
    }

    /** @param settings name/value pairs overriding the test defaults */
    static ServerOnOwnDatabase start(String name, String... settings) throws Exception {
        Path dir = TestDirs.temp(name);
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        try {
            return new ServerOnOwnDatabase(db, TestServer.start(dir, TestServer.onDatabase(db.port(), settings)));
        } catch (Exception e) {
            db.close();
            throw e;
        }
    }

    Connection connect() throws Exception {
        return sql.connect();
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
