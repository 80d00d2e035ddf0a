package io.queen.http;

import io.queen.admin.QueueListing;
import io.queen.admin.QueueListing.Sort;
import io.vertx.ext.web.RoutingContext;

/**
 * The query parameters of a queue listing page (the status and resources listings), so that the
 * dashboard pages through 10,000 queues without fetching them all: {@code search} keeps the
 * queues whose name contains it (any case); {@code sort} is a column, {@code -column} descending;
 * {@code limit} and {@code offset} pick the page.
 */
final class QueueOrder {
    private QueueOrder() {
    }

    static QueueListing listing(RoutingContext ctx, String namespace, String task, int defaultLimit) {
        String sort = ctx.request().getParam("sort");
        boolean descending = sort != null && sort.startsWith("-");
        Sort column = null;
        if (sort != null && !sort.isEmpty()) {
            column = Sort.ofParam(descending ? sort.substring(1) : sort);
            if (column == null) {
                throw ApiError.badRequest("sort must be one of " + Sort.names() + " (prefixed with - for descending)");
            }
        }
        return new QueueListing(namespace, task, Bodies.query(ctx, "search"), column, descending,
                Bodies.queryInt(ctx, "limit", defaultLimit, 1), Bodies.queryInt(ctx, "offset", 0, 0));
    }
}
