package io.queen;

import io.queen.db.EmbeddedDatabase;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

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

    /**
     * A test-only trigger on this database: an inserted message whose payload has
     * {@code stallMs} sleeps that long inside its push, after the push has locked its partitions
     * and taken its position, so that a test can make pushes overlap and commit late.
     */
    void stallPushesOnRequest() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION public.stall_push() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.payload ? 'stallMs' THEN"
                    + "   PERFORM pg_sleep((NEW.payload->>'stallMs')::int / 1000.0);"
                    + " END IF; RETURN NEW; END $$");
            s.execute("CREATE TRIGGER stall_push BEFORE INSERT ON queen.messages"
                    + " FOR EACH ROW EXECUTE FUNCTION public.stall_push()");
        }
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
