package io.queen.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates or upgrades the queen schema at start-up. All migrations run in one transaction
 * under an advisory lock, so several servers starting together apply each exactly once and
 * a failed upgrade leaves the schema as it was.
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    private static final long LOCK_KEY = 0x5155454e4d494752L; // "QUEENMIGR"

    /** In order; a released migration is never edited, a change is a new file. */
    static final List<String> FILES = List.of(
            "V001__core_schema.sql",
            "V002__push.sql",
            "V003__pop.sql",
            "V004__ack.sql",
            "V005__jobs.sql",
            "V006__observability.sql",
            "V007__metrics.sql",
            "V008__stats.sql",
            "V009__message_actions.sql",
            "V010__ready_partitions.sql",
            "V011__stats_at_scale.sql",
            "V012__stored_function_contract.sql",
            "V013__lean_auto_ack_pop.sql",
            "V014__encrypted_push.sql",
            "V015__pop_byte_limit.sql");

    private Migrations() {
    }

    public static Future<Integer> apply(Pool pool) {
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
                .execute(Tuple.of(LOCK_KEY))
                .compose(v -> conn.query("CREATE SCHEMA IF NOT EXISTS queen; "
                        + "CREATE TABLE IF NOT EXISTS queen.schema_migrations ("
                        + "version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())").execute())
                .compose(v -> conn.query("SELECT version FROM queen.schema_migrations").execute())
                .compose(rows -> {
                    Set<String> applied = new HashSet<>();
                    for (Row row : rows) {
                        applied.add(row.getString(0));
                    }
                    return applyMissing(conn, applied, 0, 0);
                }));
    }

    private static Future<Integer> applyMissing(SqlConnection conn, Set<String> applied, int index, int count) {
        if (index == FILES.size()) {
            if (count > 0) {
                LOG.info("Applied {} schema migration(s)", count);
            } else {
                LOG.info("Schema is up to date ({} migrations)", FILES.size());
            }
            return Future.succeededFuture(count);
        }
        String file = FILES.get(index);
        String version = file.substring(0, file.indexOf("__"));
        if (applied.contains(version)) {
            return applyMissing(conn, applied, index + 1, count);
        }
        LOG.info("Applying migration {}", file);
        return conn.query(SqlFiles.read("db/migration/" + file)).execute()
                .compose(v -> conn.preparedQuery("INSERT INTO queen.schema_migrations (version) VALUES ($1)")
                        .execute(Tuple.of(version)))
                .compose(v -> applyMissing(conn, applied, index + 1, count + 1));
    }
}
