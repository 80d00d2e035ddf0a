package io.queen.db;

import io.queen.config.DatabaseSettings;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates or upgrades the queen schema at start-up with Flyway: versioned files
 * ({@code db/migration/V…}) for tables, repeatable ones ({@code R__…}) for functions, which
 * are applied again whenever their text changes. Validation refuses to start on a database
 * whose applied versioned files were edited since. All pending migrations run in one
 * transaction, so a failed upgrade leaves the schema as it was.
 *
 * <p>Three kinds of existing database are taken over on their first start:
 * <ul>
 *   <li>one created by this server before Flyway: its {@code queen.schema_migrations} list
 *       becomes the Flyway baseline, and only the later versions run;</li>
 *   <li>one created by the reference server, which keeps no version table: migration
 *       {@code V000_1} converts its tables in place (column types, constraints, its functions)
 *       and the rest run as on a fresh database;</li>
 *   <li>an empty or missing schema: everything runs.</li>
 * </ul>
 * Several servers starting at once take turns on an advisory lock (the same key the
 * pre-Flyway builds used, so an old and a new build do not migrate at the same time either).
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final long LOCK_KEY = 0x5155454e4d494752L; // "QUEENMIGR"
    static final String LOCATION = "classpath:db/migration";
    static final String HISTORY_TABLE = "flyway_schema_history";
    /**
     * The pre-Flyway builds numbered their migrations V001 to V015; V012 to V015 only changed
     * functions, which are repeatable migrations now. A database at any of those versions
     * therefore has the tables of V011 and is baselined there, so that the next versioned file
     * (V012) runs on it like everywhere else instead of being skipped as "below the baseline".
     */
    static final int LAST_PRE_FLYWAY_TABLE_VERSION = 11;

    private Migrations() {
    }

    /** What the database held before this start, as far as the schema goes. */
    enum Origin {
        /** No queen tables: everything is created. */
        NEW,
        /** Flyway's history table exists: it says what to do. */
        FLYWAY,
        /** Created by this server before Flyway (queen.schema_migrations). */
        PRE_FLYWAY,
        /** Created by the reference server: queen tables and no version table at all. */
        REFERENCE
    }

    /** Blocking: call it from a thread that may wait (start-up), never from an event loop. */
    public static MigrateResult apply(DatabaseSettings db) {
        return apply(db, LOCATION);
    }

    static MigrateResult apply(DatabaseSettings db, String location) {
        return apply(JdbcUrls.of(db), db.user, db.password, location);
    }

    /** The same from a JDBC URL, as {@link MigrationProcess} receives it. */
    static MigrateResult apply(String url, String user, String password, String location) {
        try (Connection lockHolder = JdbcUrls.connect(url, user, password)) {
            lock(lockHolder);
            Origin origin = origin(lockHolder);
            int preFlywayVersion = origin == Origin.PRE_FLYWAY ? preFlywayVersion(lockHolder) : 0;
            int baseline = Math.min(preFlywayVersion, LAST_PRE_FLYWAY_TABLE_VERSION);
            switch (origin) {
                case PRE_FLYWAY -> LOG.info("Schema: created by an earlier build of this server (up to migration {});"
                        + " handing it over to Flyway", preFlywayVersion);
                case REFERENCE -> LOG.warn("Schema: created by the reference Queen server; converting its tables in"
                        + " place (messages, cursors, leases and dead letters are kept; its statistics and metrics"
                        + " history move to schema queen_reference_archive)");
                default -> {
                }
            }
            MigrateResult result = Flyway.configure()
                    .dataSource(url, user, password)
                    .schemas("queen")
                    .table(HISTORY_TABLE)
                    .locations(location)
                    // a schema holding tables but no history: the version it is at
                    .baselineOnMigrate(true)
                    .baselineVersion(Integer.toString(baseline))
                    .baselineDescription(origin == Origin.PRE_FLYWAY ? "migrations applied before Flyway"
                            : "schema of the reference server")
                    .group(true)
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .connectRetries(0)
                    .load()
                    .migrate();
            report(result);
            return result;
        } catch (FlywayValidateException e) {
            throw new IllegalStateException("Schema migration refused: " + e.getMessage().strip()
                    + "\n(A versioned file (V…) that a database has applied must not change: put the change in a new"
                    + " versioned file, or in the R__ file of the function it concerns.)", e);
        } catch (FlywayException | SQLException e) {
            throw new IllegalStateException("Schema migration failed: " + e.getMessage().strip(), e);
        }
    }

    private static void lock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, LOCK_KEY);
            lock.execute();
        }
        // released when the connection closes
    }

    static Origin origin(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rows = s.executeQuery("SELECT to_regclass('queen." + HISTORY_TABLE + "') IS NOT NULL,"
                     + " to_regclass('queen.schema_migrations') IS NOT NULL,"
                     + " to_regclass('queen.messages') IS NOT NULL")) {
            rows.next();
            if (rows.getBoolean(1)) {
                return Origin.FLYWAY;
            }
            if (rows.getBoolean(2)) {
                return Origin.PRE_FLYWAY;
            }
            return rows.getBoolean(3) ? Origin.REFERENCE : Origin.NEW;
        }
    }

    /** The last of the pre-Flyway migrations applied without a gap (they were applied in order). */
    private static int preFlywayVersion(Connection connection) throws SQLException {
        int version = 0;
        try (Statement s = connection.createStatement();
             ResultSet rows = s.executeQuery("SELECT version FROM queen.schema_migrations ORDER BY version")) {
            while (rows.next()) {
                int next = Integer.parseInt(rows.getString(1).substring(1));
                if (next != version + 1) {
                    break;
                }
                version = next;
            }
        }
        return version;
    }

    private static void report(MigrateResult result) {
        if (result.initialSchemaVersion == null) {
            // a new database: the list of every file says nothing (V000_1, for one, did nothing)
            LOG.info("Schema created: version {} ({} migrations)", result.targetSchemaVersion,
                    result.migrationsExecuted);
            return;
        }
        for (MigrateOutput applied : result.migrations) {
            LOG.info("Applied migration {} ({})", applied.version.isEmpty() ? "R" : applied.version,
                    applied.description);
        }
        LOG.info("Schema is at version {} ({} migration(s) applied now)",
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
    }
}
