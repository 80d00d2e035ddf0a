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
    private static final String SCOPED_QUEUES = SqlFiles.query("scoped_queues");
    private static final String TIME_BUCKETS = SqlFiles.query("time_buckets");

    private static final String THROUGHPUT = withFragments("status_throughput");
    private static final String QUEUES = withFragments("status_queues");
    private static final String SUMMARY = withFragments("status_summary");
    private static final String DLQ_ERRORS = withFragments("status_dlq_errors");
    private static final String WORKERS = SqlFiles.query("status_workers");
    private static final String MESSAGES_PER_BUCKET = withFragments("analytics_messages");
    private static final String RETENTION = withFragments("analytics_retention");
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

    // The queue filter and the time buckets are shared by several statements; they live in
    // one file each and are pasted into the statements that use them.
    private static String withFragments(String name) {
        return SqlFiles.query(name).replace("/*scoped_queues*/", SCOPED_QUEUES).replace("/*time_buckets*/", TIME_BUCKETS);
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
        return db.preparedQuery(MESSAGES_PER_BUCKET)
                .execute(scope.tuple().addString(unit).addOffsetDateTime(from).addOffsetDateTime(toExclusive));
    }

    public Future<RowSet<Row>> retention(OffsetDateTime from, OffsetDateTime to, int bucketMinutes, String queue) {
        return db.preparedQuery(RETENTION).execute(Tuple.of(from, to, bucketMinutes, queue));
    }

    /** The whole answer of /analytics/postgres-stats, as JSON text. */
    public Future<String> postgres() {
        return db.query(POSTGRES).execute().map(rows -> rows.iterator().next().getString("document"));
    }
}
