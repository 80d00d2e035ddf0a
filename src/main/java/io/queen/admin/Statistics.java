package io.queen.admin;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;

/**
 * Reads behind the dashboard's status and analytics endpoints (spec 3.12): the stats job's
 * rows, the per-minute worker and system metrics, retention history and PostgreSQL's own
 * statistics views. Each call is one statement; rows go to the HTTP layer as they are.
 */
public final class Statistics {
    private static final String THROUGHPUT = SqlFiles.query("status_throughput");
    private static final String QUEUES = SqlFiles.query("status_queues");
    private static final String SUMMARY = SqlFiles.query("status_summary");
    private static final String DLQ_ERRORS = SqlFiles.query("status_dlq_errors");
    private static final String WORKERS = SqlFiles.query("status_workers");
    private static final String MESSAGES_PER_BUCKET = SqlFiles.query("analytics_messages");
    private static final String RETENTION = SqlFiles.query("analytics_retention");
    private static final String POSTGRES = SqlFiles.query("postgres_stats");

    /** Which queues a view covers; null fields mean "any". */
    public record Scope(String queue, String namespace, String task) {
        Tuple tuple() {
            return Tuple.tuple().addString(queue).addString(namespace).addString(task);
        }
    }

    private final SqlClient db;

    public Statistics(SqlClient db) {
        this.db = db;
    }

    /** One row per bucket of {@code bucketMinutes} from {@code from} to {@code to}, newest first. */
    public Future<RowSet<Row>> throughput(OffsetDateTime from, OffsetDateTime to, int bucketMinutes) {
        return db.preparedQuery(THROUGHPUT).execute(Tuple.of(from, to, bucketMinutes));
    }

    public Future<RowSet<Row>> queues(Scope scope) {
        return db.preparedQuery(QUEUES).execute(scope.tuple());
    }

    /** Message, lease, dead-letter and counter totals, and the stats' age: one row. */
    public Future<Row> summary(Scope scope, OffsetDateTime from, OffsetDateTime to) {
        return db.preparedQuery(SUMMARY).execute(scope.tuple().addOffsetDateTime(from).addOffsetDateTime(to))
                .map(rows -> rows.iterator().next());
    }

    public Future<RowSet<Row>> topDeadLetterErrors(Scope scope) {
        return db.preparedQuery(DLQ_ERRORS).execute(scope.tuple());
    }

    public Future<RowSet<Row>> workers(OffsetDateTime from, OffsetDateTime to) {
        return db.preparedQuery(WORKERS).execute(Tuple.of(from, to));
    }

    /** @param unit minute, hour or day */
    public Future<RowSet<Row>> messagesPerBucket(String unit, OffsetDateTime from, OffsetDateTime toExclusive,
                                                 Scope scope) {
        Tuple args = Tuple.tuple().addString(unit).addOffsetDateTime(from).addOffsetDateTime(toExclusive)
                .addString(scope.queue()).addString(scope.namespace()).addString(scope.task());
        return db.preparedQuery(MESSAGES_PER_BUCKET).execute(args);
    }

    public Future<RowSet<Row>> retention(OffsetDateTime from, OffsetDateTime to, int bucketMinutes, String queue) {
        return db.preparedQuery(RETENTION).execute(Tuple.of(from, to, bucketMinutes, queue));
    }

    /** The whole answer of /analytics/postgres-stats, as JSON text. */
    public Future<String> postgres() {
        return db.query(POSTGRES).execute().map(rows -> rows.iterator().next().getString("document"));
    }
}
