package io.queen.db;

import io.queen.config.DatabaseSettings;
import io.queen.config.QueenConfig;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migrations against a real PostgreSQL, each test on a database of its own: several
 * servers starting at once, an edited function file applied again, an edited table file
 * refused, a database of the pre-Flyway builds taken over at the right version, and the
 * child JVM the server runs them in, with its refusal reaching the server.
 */
class MigrationsTest {
    private static EmbeddedDatabase postgres;
    private static int databases;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedDatabase.start(Files.createTempDirectory("queen-migrations"), 0);
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void serversStartingTogetherApplyEachMigrationOnce() throws Exception {
        DatabaseSettings db = newDatabase();
        ExecutorService starts = Executors.newFixedThreadPool(3);
        try {
            List<Future<MigrateResult>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(starts.submit((Callable<MigrateResult>) () -> Migrations.apply(db)));
            }
            int applied = 0;
            for (Future<MigrateResult> result : results) {
                applied += result.get().migrationsExecuted;
            }
            assertEquals(files().size(), applied, "every file applied once, by one of the three");
        } finally {
            starts.shutdownNow();
        }
        assertEquals(0, count(db, "SELECT count(*) FROM (SELECT script FROM queen.flyway_schema_history"
                + " GROUP BY script HAVING count(*) > 1) twice"));
        assertEquals(1, count(db, "SELECT count(*) FROM pg_proc WHERE proname = 'push_batch_v2'"));
    }

    @Test
    void anEditedFunctionFileRunsAgainAndAnEditedTableFileStopsTheStart() throws Exception {
        DatabaseSettings db = newDatabase();
        Path copy = Files.createTempDirectory("queen-migration-files");
        for (Path file : files()) {
            Files.copy(file, copy.resolve(file.getFileName()));
        }
        String location = "filesystem:" + copy;
        assertEquals(files().size(), Migrations.apply(db, location).migrationsExecuted);
        assertEquals(0, Migrations.apply(db, location).migrationsExecuted, "nothing changed, nothing runs");

        Files.writeString(copy.resolve("R__01_ids.sql"), "\nCREATE OR REPLACE FUNCTION queen.migration_probe()"
                + " RETURNS integer LANGUAGE sql AS $fn$ SELECT 42 $fn$;\n", java.nio.file.StandardOpenOption.APPEND);
        MigrateResult again = Migrations.apply(db, location);
        assertEquals(1, again.migrationsExecuted, "only the edited repeatable file runs again");
        assertEquals(42, count(db, "SELECT queen.migration_probe()"));

        Files.writeString(copy.resolve("V005__jobs.sql"), "\n-- an innocent-looking edit\n",
                java.nio.file.StandardOpenOption.APPEND);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Migrations.apply(db, location));
        assertTrue(refused.getMessage().contains("checksum mismatch") && refused.getMessage().contains("005"),
                refused.getMessage());
    }

    @Test
    void aPreFlywayDatabaseIsBaselinedWhereItsTablesWere() throws Exception {
        for (int lastApplied : new int[] {15, 9}) {
            DatabaseSettings db = newDatabase();
            Migrations.apply(db);
            // what the pre-Flyway builds left: their own list, no Flyway history
            execute(db, "DROP TABLE queen.flyway_schema_history;"
                    + " CREATE TABLE queen.schema_migrations (version text PRIMARY KEY,"
                    + " applied_at timestamptz NOT NULL DEFAULT now());"
                    + " INSERT INTO queen.schema_migrations SELECT 'V' || lpad(n::text, 3, '0')"
                    + " FROM generate_series(1, " + lastApplied + ") n");
            MigrateResult result = Migrations.apply(db);
            int baseline = Math.min(lastApplied, Migrations.LAST_PRE_FLYWAY_TABLE_VERSION);
            assertEquals(baseline, count(db, "SELECT version::int FROM queen.flyway_schema_history"
                    + " WHERE type = 'BASELINE'"));
            long versionedAfter = files().stream().map(p -> p.getFileName().toString())
                    // V000_1 (version 0.1) is below every baseline
                    .filter(n -> n.startsWith("V") && !n.startsWith("V000_")
                            && Integer.parseInt(n.substring(1, n.indexOf("__"))) > baseline)
                    .count();
            long repeatable = files().stream().filter(p -> p.getFileName().toString().startsWith("R__")).count();
            assertEquals(versionedAfter + repeatable, result.migrationsExecuted, "versions " + lastApplied);
        }
    }

    @Test
    void theServerRunsThemInAJvmOfItsOwnThatReportsItsRefusal() throws Exception {
        DatabaseSettings db = newDatabase();
        MigrationProcess.run(db);
        assertEquals(1, count(db, "SELECT count(*) FROM pg_proc WHERE proname = 'push_batch_v2'"));
        MigrationProcess.run(db); // nothing to do: no error either

        // as if V005 had been edited after this database applied it
        execute(db, "UPDATE queen.flyway_schema_history SET checksum = checksum + 1 WHERE version = '005'");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> MigrationProcess.run(db));
        assertTrue(refused.getMessage().startsWith("Schema migration refused:")
                && refused.getMessage().contains("checksum mismatch") && refused.getMessage().contains("005"),
                refused.getMessage());
    }

    private static DatabaseSettings newDatabase() throws Exception {
        String name = "migrations_" + (++databases);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return QueenConfig.from(Map.of("PG_HOST", "localhost", "PG_PORT", Integer.toString(postgres.port()),
                "PG_DB", name, "PG_PASSWORD", "")).db;
    }

    private static Connection connect(String database) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.port() + "/" + database,
                "postgres", "");
    }

    private static long count(DatabaseSettings db, String sql) throws Exception {
        try (Connection c = connect(db.database); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(DatabaseSettings db, String sql) throws Exception {
        try (Connection c = connect(db.database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The migration files the server ships. */
    private static List<Path> files() throws IOException, URISyntaxException {
        Path dir = Path.of(MigrationsTest.class.getClassLoader().getResource("db/migration").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
    }
}
