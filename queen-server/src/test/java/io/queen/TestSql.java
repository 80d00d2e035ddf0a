package io.queen;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JDBC on a test's own embedded PostgreSQL: count rows, run statements, wait for a value. */
final class TestSql {
    private final int port;

    TestSql(int port) {
        this.port = port;
    }

    Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
    }

    /** The first column of the first row, as a number. */
    long count(String sql) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next());
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The first column of the first row, as text. */
    String text(String sql) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next());
            return rs.getString(1);
        } catch (Exception e) {
            throw new IllegalStateException(sql, e);
        }
    }

    void execute(String sql, String... args) throws Exception {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            s.execute();
        }
    }

    /** Polls for up to 15 s until {@code actual} gives {@code expected}. */
    static void awaitValue(long expected, LongSupplier actual) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        long last = actual.getAsLong();
        while (last != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            last = actual.getAsLong();
        }
        assertEquals(expected, last);
    }
}
