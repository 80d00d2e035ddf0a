package io.queen.admin;

import java.util.Arrays;

/**
 * What a page of the queue listing asks for: filters, an ordering and the page. The orderings
 * are a fixed set, each an ORDER BY of the listing statement (queue_page.sql), so a request
 * can only pick one of them, never write SQL.
 */
public record QueueListing(String namespace, String task, String search, Sort sort, boolean descending,
                           int limit, int offset) {

    /** The columns a listing can be ordered by; null sort means newest queue first. */
    public enum Sort {
        NAME("name", "m.name"),
        NAMESPACE("namespace", "m.namespace"),
        CREATED_AT("createdAt", "m.created_at"),
        // the statistics job's per-queue sums: sorting by a live count would count every queue
        PARTITIONS("partitions", "coalesce(s.partitions, 0)"),
        TOTAL("total", "coalesce(s.total, 0)"),
        PENDING("pending", "coalesce(s.pending, 0)"),
        PROCESSING("processing", "coalesce(s.processing, 0)");

        private final String param;
        private final String column;

        Sort(String param, String column) {
            this.param = param;
            this.column = column;
        }

        /** null when no ordering has that name. */
        public static Sort ofParam(String name) {
            return Arrays.stream(values()).filter(s -> s.param.equals(name)).findFirst().orElse(null);
        }

        public static String names() {
            return String.join(", ", Arrays.stream(values()).map(s -> s.param).toList());
        }
    }

    /** The ORDER BY of the listing; ties are broken by name so that pages never overlap. */
    String orderBy() {
        if (sort == null) {
            return "m.created_at DESC, m.name";
        }
        return sort.column + (descending ? " DESC" : "") + (sort == Sort.NAME ? "" : ", m.name");
    }
}
