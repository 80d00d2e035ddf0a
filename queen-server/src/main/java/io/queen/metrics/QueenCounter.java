package io.queen.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every counter of the server, each declared once; everything else is derived from here:
 * <ul>
 *   <li>its Micrometer meter (process lifetime, in /metrics and /metrics/prometheus), if any:
 *       {@link QueenMetrics} registers it, {@link WorkerMetrics} bumps it;</li>
 *   <li>where the per-minute tables keep it ({@link Scope#WORKER} worker_metrics,
 *       {@link Scope#QUEUE} queue_lag_metrics) and the lifetime total
 *       ({@link Scope#CLUSTER} worker_metrics_summary, kept by its trigger): the flush, the
 *       analytics reads and the Prometheus read take their column lists from here
 *       ({@link CounterSql});</li>
 *   <li>the Prometheus family (and label) showing each stored place;</li>
 *   <li>its field in the analytics JSON (and the SQL alias it is read under).</li>
 * </ul>
 * Adding a counter: a constant here, its columns in a migration (a cluster total also needs a
 * line in the summary trigger), and the {@link WorkerMetrics} outcome that counts it. Start-up
 * fails if a declared column is missing ({@link CounterSql#verifyColumns}).
 */
public enum QueenCounter {
    PUSH_REQUESTS(field("pushRequests"), meter("queen.push.requests", "push requests answered"),
            cluster("total_push_requests", family("queen_cluster_push_requests_total",
                    "All workers of all servers: push requests")),
            worker("push_request_count", Shared.WORKER_REQUESTS, "push"),
            queue("push_request_count", family("queen_queue_push_requests_per_minute",
                    "Push requests in the latest minute"))),
    PUSH_MESSAGES(field("pushMessages"), meter("queen.push.messages", "messages stored by pushes"),
            cluster("total_push_messages", family("queen_cluster_push_messages_total",
                    "All workers of all servers: push messages")),
            worker("push_message_count", Shared.WORKER_MESSAGES, "push"),
            queue("push_message_count", family("queen_queue_push_messages_per_minute",
                    "Messages pushed in the latest minute"))),
    POP_REQUESTS(field("popRequests"), meter("queen.pop.requests", "pop requests answered"),
            cluster("total_pop_requests", family("queen_cluster_pop_requests_total",
                    "All workers of all servers: pop requests")),
            worker("pop_request_count", Shared.WORKER_REQUESTS, "pop")),
    POP_MESSAGES(field("popMessages"), meter("queen.pop.messages", "messages delivered by pops"),
            cluster("total_pop_messages", family("queen_cluster_pop_messages_total",
                    "All workers of all servers: pop messages")),
            worker("pop_message_count", Shared.WORKER_MESSAGES, "pop"),
            queue("pop_count", family("queen_queue_pop_messages_per_minute", "Messages popped in the latest minute"))),
    POP_EMPTY(field("popEmpty"), meter("queen.pop.empty", "pops answered without messages"),
            queue("pop_empty_count", family("queen_queue_pop_empty_per_minute", "Empty pops in the latest minute"))),
    ACK_REQUESTS(field("ackRequests"), meter("queen.ack.requests", "ack requests answered"),
            cluster("total_ack_requests", family("queen_cluster_ack_requests_total",
                    "All workers of all servers: ack requests")),
            worker("ack_request_count", Shared.WORKER_REQUESTS, "ack"),
            queue("ack_request_count", null)),
    ACK_MESSAGES(field("ackMessages"), null,
            cluster("total_ack_messages", family("queen_cluster_ack_messages_total",
                    "All workers of all servers: ack messages")),
            worker("ack_message_count", Shared.WORKER_MESSAGES, "ack")),
    ACK_SUCCESS(field("ackSuccess"), meter("queen.ack", "result", "success", "acknowledged messages"),
            cluster("total_ack_success", Shared.CLUSTER_ACK, "success"),
            worker("ack_success_count", Shared.WORKER_ACK, "success"),
            queue("ack_success_count", Shared.QUEUE_ACK, "success")),
    ACK_FAILED(field("ackFailed"), meter("queen.ack", "result", "failed", "acknowledgements that failed"),
            cluster("total_ack_failed", Shared.CLUSTER_ACK, "failed"),
            worker("ack_failed_count", Shared.WORKER_ACK, "failed"),
            queue("ack_failed_count", Shared.QUEUE_ACK, "failed")),
    TRANSACTIONS(field("transactions"), meter("queen.transactions", "transactions answered"),
            cluster("total_transactions", family("queen_cluster_transactions_total",
                    "All workers of all servers: transactions")),
            worker("transaction_count", Shared.WORKER_REQUESTS, "transaction"),
            queue("transaction_count", family("queen_queue_transactions_per_minute",
                    "Transactions in the latest minute"))),
    DB_ERRORS(field("dbErrors"), null,
            cluster("total_db_errors", family("queen_cluster_db_errors_total",
                    "All workers of all servers: failed hot-path database calls")),
            worker("db_error_count", family("queen_worker_db_errors_per_minute",
                    "Failed hot-path database calls in the latest minute"))),
    DLQ(field("dlqCount", "totalDlq"), null,
            cluster("total_dlq", family("queen_cluster_dlq_total", "All workers of all servers: messages sent to the DLQ")),
            worker("dlq_count", family("queen_worker_dlq_per_minute", "Messages sent to the DLQ in the latest minute"))),
    JOBS_DONE(field("jobsDone"), null,
            worker("jobs_done", family("queen_worker_jobs_done_per_minute",
                    "Hot-path database calls in the latest minute")));

    /** Where a counter is kept in the database, and how Prometheus shows it. */
    public enum Scope {
        /** Lifetime totals over all workers of all servers (one row; Prometheus counters). */
        CLUSTER("worker_metrics_summary", "counter"),
        /** Per worker and minute (Prometheus: the latest minute, a gauge). */
        WORKER("worker_metrics", "gauge"),
        /** Per queue and minute, summed over all workers (Prometheus: the latest minute, a gauge). */
        QUEUE("queue_lag_metrics", "gauge");

        public final String table;
        public final String prometheusType;

        Scope(String table, String prometheusType) {
            this.table = table;
            this.prometheusType = prometheusType;
        }
    }

    /** A Prometheus family of database figures; {@code label} (or null) tells its counters apart. */
    public record Family(String name, String label, String help) {
        public Family {
            checkName(name);
            if (label != null) {
                checkName(label);
            }
        }
    }

    /** A Micrometer counter; {@code tagKey} may be null. */
    public record Meter(String name, String tagKey, String tagValue, String description) {
    }

    /** The JSON field of the analytics endpoints, and of the window's total ("summary"). */
    public record Field(String name, String total) {
    }

    /** A column of a scope's table; {@code family} (or null) shows it, with {@code labelValue} if labelled. */
    public record Stored(Scope scope, String column, Family family, String labelValue) {
        public Stored {
            checkName(column);
            if ((family != null && family.label() != null) != (labelValue != null)) {
                throw new IllegalArgumentException(column + ": a label value goes with a labelled family");
            }
            if (labelValue != null) {
                checkName(labelValue);
            }
        }
    }

    /** Families shared by several counters, told apart by a label. */
    private static final class Shared {
        static final Family CLUSTER_ACK = new Family("queen_cluster_ack_total", "result",
                "All workers of all servers: acknowledgements by result");
        static final Family QUEUE_ACK = new Family("queen_queue_ack_per_minute", "result",
                "Acknowledgements in the latest minute by result");
        static final Family WORKER_REQUESTS = new Family("queen_worker_requests_per_minute", "op",
                "Requests in the latest minute by operation");
        static final Family WORKER_MESSAGES = new Family("queen_worker_messages_per_minute", "op",
                "Messages in the latest minute by operation");
        static final Family WORKER_ACK = new Family("queen_worker_ack_per_minute", "result",
                "Acknowledgements in the latest minute by result");
    }

    /** SQL identifiers and label values go into statements as they are: plain lower-case names only. */
    private static void checkName(String name) {
        // (no static Pattern: the constants are built before the enum's static fields)
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("Not a plain name: " + name);
        }
    }

    private static Field field(String name) {
        return field(name, "total" + Character.toUpperCase(name.charAt(0)) + name.substring(1));
    }

    private static Field field(String name, String total) {
        return new Field(name, total);
    }

    private static Meter meter(String name, String description) {
        return new Meter(name, null, null, description);
    }

    private static Meter meter(String name, String tagKey, String tagValue, String description) {
        return new Meter(name, tagKey, tagValue, description);
    }

    private static Family family(String name, String help) {
        return new Family(name, null, help);
    }

    private static Stored cluster(String column, Family family) {
        return new Stored(Scope.CLUSTER, column, family, null);
    }

    private static Stored cluster(String column, Family family, String labelValue) {
        return new Stored(Scope.CLUSTER, column, family, labelValue);
    }

    private static Stored worker(String column, Family family) {
        return new Stored(Scope.WORKER, column, family, null);
    }

    private static Stored worker(String column, Family family, String labelValue) {
        return new Stored(Scope.WORKER, column, family, labelValue);
    }

    private static Stored queue(String column, Family family) {
        return new Stored(Scope.QUEUE, column, family, null);
    }

    private static Stored queue(String column, Family family, String labelValue) {
        return new Stored(Scope.QUEUE, column, family, labelValue);
    }

    public static final int COUNT = values().length;
    private static final Map<Scope, List<QueenCounter>> STORED = new EnumMap<>(Scope.class);
    private static final Map<Scope, List<Family>> FAMILIES = new EnumMap<>(Scope.class);

    static {
        for (Scope scope : Scope.values()) {
            List<QueenCounter> stored = new ArrayList<>();
            List<Family> families = new ArrayList<>();
            for (QueenCounter c : values()) {
                Stored place = c.places[scope.ordinal()];
                if (place != null) {
                    stored.add(c);
                    if (place.family() != null && !families.contains(place.family())) {
                        families.add(place.family());
                    }
                }
            }
            STORED.put(scope, Collections.unmodifiableList(stored));
            FAMILIES.put(scope, Collections.unmodifiableList(families));
        }
    }

    private final Field field;
    private final Meter meter;
    private final String alias;
    /** By {@link Scope} ordinal; null where the counter is not kept. */
    private final Stored[] places = new Stored[Scope.values().length];

    QueenCounter(Field field, Meter meter, Stored... places) {
        this.field = field;
        this.meter = meter;
        this.alias = field.name().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
        for (Stored place : places) {
            if (this.places[place.scope().ordinal()] != null) {
                throw new IllegalArgumentException(name() + " is kept twice in " + place.scope());
            }
            this.places[place.scope().ordinal()] = place;
        }
    }

    /** The counters a scope keeps, in declaration order. */
    public static List<QueenCounter> stored(Scope scope) {
        return STORED.get(scope);
    }

    /** The Prometheus families of a scope's counters, in declaration order, each once. */
    public static List<Family> families(Scope scope) {
        return FAMILIES.get(scope);
    }

    /** Its Micrometer counter, or null. */
    public Meter meter() {
        return meter;
    }

    /** Where a scope keeps it, or null. */
    public Stored in(Scope scope) {
        return places[scope.ordinal()];
    }

    /** Its field in the analytics JSON. */
    public String field() {
        return field.name();
    }

    /** Its total over a window in the analytics JSON. */
    public String totalField() {
        return field.total();
    }

    /** The name the analytics statements give its sums (the field in snake case). */
    public String alias() {
        return alias;
    }
}
