package io.queen.http;

import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Filtering and sorting of a queue listing (the status and resources listings), so that the
 * dashboard pages through 10,000 queues without fetching them all: {@code search} keeps the
 * queues whose name contains it (any case); {@code sort} is a column, {@code -column} descending.
 */
final class QueueOrder {
    private QueueOrder() {
    }

    /** null (the listing's own order, newest first) when {@code sort} is absent. */
    static Comparator<Row> parse(String sort) {
        if (sort == null || sort.isEmpty()) {
            return null;
        }
        boolean descending = sort.startsWith("-");
        String column = descending ? sort.substring(1) : sort;
        Comparator<Row> order = switch (column) {
            case "name" -> Comparator.comparing(r -> r.getString("name"));
            case "namespace" -> Comparator.comparing(r -> String.valueOf(r.getString("namespace")));
            case "createdAt" -> Comparator.comparing(r -> r.getOffsetDateTime("created_at"));
            case "partitions" -> Comparator.comparingLong(r -> r.getLong("partitions"));
            case "total" -> Comparator.comparingLong(r -> r.getLong("total"));
            case "pending" -> Comparator.comparingLong(r -> r.getLong("pending"));
            case "processing" -> Comparator.comparingLong(r -> r.getLong("processing"));
            default -> throw ApiError.badRequest(
                    "sort must be one of name, namespace, createdAt, partitions, total, pending, processing"
                            + " (prefixed with - for descending)");
        };
        Comparator<Row> byName = Comparator.comparing(r -> r.getString("name"));
        return (descending ? order.reversed() : order).thenComparing(byName);
    }

    static List<Row> select(Iterable<Row> rows, String namespace, String task, String search, Comparator<Row> order) {
        String needle = search == null || search.isEmpty() ? null : search.toLowerCase(Locale.ROOT);
        List<Row> matching = new ArrayList<>();
        for (Row r : rows) {
            if ((namespace == null || namespace.equals(r.getString("namespace")))
                    && (task == null || task.equals(r.getString("task")))
                    && (needle == null || r.getString("name").toLowerCase(Locale.ROOT).contains(needle))) {
                matching.add(r);
            }
        }
        if (order != null) {
            matching.sort(order);
        }
        return matching;
    }
}
