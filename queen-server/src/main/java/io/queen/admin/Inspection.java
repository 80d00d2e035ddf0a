package io.queen.admin;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Read-mostly views of queues, messages, the DLQ and traces for operators and the dashboard
 * (spec 3.8–3.11). Every number is computed live from the message tables; there are no stats
 * tables to lag behind. Each call is one statement; the rows go to the HTTP layer as they
 * are, because every column becomes exactly one JSON field there.
 */
public final class Inspection {
    private static final String COUNTS = SqlFiles.query("partition_counts");
    private static final String STATUS = SqlFiles.query("message_status");

    private static final String QUEUE_PAGE = withCounts("queue_page")
            .replace("/*scoped_queues*/", SqlFiles.query("scoped_queues"));
    private static final String QUEUE = withCounts("resources_queue");
    private static final String STATUS_QUEUE = withCounts("status_queue");
    private static final String NAMESPACES = withCounts("resources_namespaces");
    private static final String TASKS = withCounts("resources_tasks");
    private static final String OVERVIEW = withCounts("resources_overview");
    private static final String MESSAGES = withStatus("messages_list");
    private static final String MESSAGE = withStatus("message_detail");
    private static final String DELETE_MESSAGE = SqlFiles.query("message_delete");
    private static final String DLQ = SqlFiles.query("dlq_list");
    private static final String RECORD_TRACE = SqlFiles.query("trace_record");
    private static final String TRACES_FOR_MESSAGE = SqlFiles.query("traces_for_message");
    private static final String TRACES_BY_NAME = SqlFiles.query("traces_by_name");
    private static final String TRACE_NAMES = SqlFiles.query("trace_names");

    /** Filters of the message listing; null means "any". */
    public record MessageFilter(String queue, String partition, String namespace, String task, String status,
                                OffsetDateTime from, OffsetDateTime toExclusive, int limit, int offset) {
    }

    /** Filters of the DLQ listing; null means "any", the time bounds are inclusive. */
    public record DlqFilter(String queue, String consumerGroup, String partition, OffsetDateTime from,
                            OffsetDateTime to, int limit, int offset) {
    }

    public record Trace(UUID partitionId, String transactionId, String consumerGroup, String eventType,
                        String dataJson, String workerId, String[] names) {
    }

    private final SqlClient db;

    public Inspection(SqlClient db) {
        this.db = db;
    }

    // The per-partition counts and the per-message status are shared by several statements;
    // they live in one file each and are pasted into the statements that use them.
    private static String withCounts(String name) {
        return SqlFiles.query(name).replace("/*partition_counts*/", COUNTS);
    }

    private static String withStatus(String name) {
        return SqlFiles.query(name).replace("/*message_status*/", STATUS);
    }

    /** The first row carries the number of matching queues; queue columns are NULL when the page is empty. */
    public Future<RowSet<Row>> queues(QueueListing l) {
        Tuple args = Tuple.tuple().addString(null).addString(l.namespace()).addString(l.task())
                .addString(l.search())
                .addInteger(l.limit()).addInteger(l.offset());
        return db.preparedQuery(QUEUE_PAGE.replace("/*order*/", l.orderBy())).execute(args);
    }

    /** Empty when the queue does not exist. */
    public Future<RowSet<Row>> queue(String name) {
        return db.preparedQuery(QUEUE).execute(Tuple.of(name));
    }

    /**
     * The status view of one queue: settings, totals and a page of its partitions (those whose
     * name contains {@code search}, any case; null: all); empty when the queue does not exist.
     */
    public Future<RowSet<Row>> queueStatus(String name, String search, int limit, int offset) {
        return db.preparedQuery(STATUS_QUEUE).execute(Tuple.of(name, search, limit, offset));
    }

    public Future<RowSet<Row>> namespaces() {
        return db.preparedQuery(NAMESPACES).execute(Tuple.of(null));
    }

    public Future<RowSet<Row>> tasks() {
        return db.preparedQuery(TASKS).execute(Tuple.of(null));
    }

    public Future<Row> overview() {
        return db.preparedQuery(OVERVIEW).execute(Tuple.of(null)).map(rows -> rows.iterator().next());
    }

    public Future<RowSet<Row>> messages(MessageFilter f) {
        Tuple args = Tuple.tuple().addString(f.queue()).addString(f.partition()).addString(f.namespace())
                .addString(f.task()).addString(f.status()).addOffsetDateTime(f.from())
                .addOffsetDateTime(f.toExclusive()).addInteger(f.limit()).addInteger(f.offset());
        return db.preparedQuery(MESSAGES).execute(args);
    }

    /** null when the message does not exist. */
    public Future<Row> message(UUID partitionId, String transactionId) {
        return db.preparedQuery(MESSAGE).execute(Tuple.of(partitionId, transactionId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    /** @return whether the message existed */
    public Future<Boolean> deleteMessage(UUID partitionId, String transactionId) {
        return db.preparedQuery(DELETE_MESSAGE).execute(Tuple.of(partitionId, transactionId))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The first row carries the total; entry columns are NULL when the page is empty. */
    public Future<RowSet<Row>> deadLetters(DlqFilter f) {
        Tuple args = Tuple.tuple().addString(f.queue()).addString(f.consumerGroup()).addString(f.partition())
                .addOffsetDateTime(f.from()).addOffsetDateTime(f.to()).addInteger(f.limit())
                .addInteger(f.offset());
        return db.preparedQuery(DLQ).execute(args);
    }

    /** @return the id of the recorded event, null when the message does not exist */
    public Future<UUID> recordTrace(Trace t) {
        Tuple args = Tuple.tuple().addUUID(t.partitionId()).addString(t.transactionId())
                .addString(t.consumerGroup()).addString(t.eventType()).addString(t.dataJson())
                .addString(t.workerId()).addArrayOfString(t.names());
        return db.preparedQuery(RECORD_TRACE).execute(args)
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
    }

    public Future<RowSet<Row>> traces(UUID partitionId, String transactionId) {
        return db.preparedQuery(TRACES_FOR_MESSAGE).execute(Tuple.of(partitionId, transactionId));
    }

    /** The first row carries the total; event columns are NULL when the page is empty. */
    public Future<RowSet<Row>> tracesByName(String name, int limit, int offset) {
        return db.preparedQuery(TRACES_BY_NAME).execute(Tuple.of(name, limit, offset));
    }

    /** The first row carries the total; name columns are NULL when the page is empty. */
    public Future<RowSet<Row>> traceNames(int limit, int offset) {
        return db.preparedQuery(TRACE_NAMES).execute(Tuple.of(limit, offset));
    }
}
