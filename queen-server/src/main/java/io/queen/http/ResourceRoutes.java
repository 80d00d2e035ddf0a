package io.queen.http;

import io.queen.admin.Inspection;
import io.queen.admin.QueueListing;
import io.queen.admin.QueueAdmin;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import static io.queen.http.MessageRoutes.guard;

/**
 * Everything under /api/v1/resources (spec 3.8): the overview, queues with their partitions,
 * namespaces and tasks (reads on the background pool), and deleting a queue; also clearing a
 * queue's messages (DELETE /api/v1/queues/:queue/clear, ADMIN like deleting it).
 */
final class ResourceRoutes {
    private final Inspection inspection;
    private final QueueAdmin queueAdmin;

    ResourceRoutes(Inspection inspection, QueueAdmin queueAdmin) {
        this.inspection = inspection;
        this.queueAdmin = queueAdmin;
    }

    void mount(Router router) {
        router.get("/api/v1/resources/overview").handler(guard(this::overview));
        router.get("/api/v1/resources/queues").handler(guard(this::queues));
        router.get("/api/v1/resources/queues/:queue").handler(guard(this::queue));
        router.delete("/api/v1/resources/queues/:queue").handler(guard(this::deleteQueue));
        // the path Queen's JS client uses for "clear" (spec 3.19; the reference has no such route)
        router.delete("/api/v1/queues/:queue/clear").handler(guard(this::clearQueue));
        router.get("/api/v1/resources/namespaces").handler(guard(ctx -> groups(ctx, inspection.namespaces(),
                "namespaces", "namespace")));
        router.get("/api/v1/resources/tasks").handler(guard(ctx -> groups(ctx, inspection.tasks(), "tasks", "task")));
    }

    private void overview(RoutingContext ctx) {
        Responses.json(ctx, inspection.overview(), r -> new JsonOut(1024).beginObject()
                .field("queues", r.getLong("queues")).field("partitions", r.getLong("partitions"))
                .field("namespaces", r.getLong("namespaces")).field("tasks", r.getLong("tasks"))
                .name("messages").beginObject()
                .field("total", r.getLong("total")).field("pending", r.getLong("pending"))
                .field("processing", r.getLong("processing")).field("completed", r.getLong("completed"))
                .field("failed", 0).field("deadLetter", r.getLong("dead_letter"))
                .endObject()
                .name("lag").beginObject()
                .name("time").beginObject()
                .field("avg", r.getDouble("time_avg")).field("median", r.getDouble("time_median"))
                .field("min", r.getDouble("time_min")).field("max", r.getDouble("time_max"))
                .endObject()
                .name("offset").beginObject()
                .field("avg", r.getDouble("offset_avg")).field("median", r.getDouble("offset_median"))
                .field("min", r.getDouble("offset_min")).field("max", r.getDouble("offset_max"))
                .endObject()
                .endObject()
                .name("throughput").beginObject()
                .field("ingestedPerSecond", r.getDouble("ingested"))
                .field("processedPerSecond", r.getDouble("processed_per_second"))
                .endObject()
                .field("timestamp", JsonOut.millis(r.getOffsetDateTime("now")))
                // computed by this very request
                .field("statsAge", 0)
                .endObject().toString());
    }

    private void queues(RoutingContext ctx) {
        // without these parameters the answer is the whole listing, as in spec 3.8
        boolean paged = Bodies.anyQuery(ctx, "limit", "offset", "search", "sort");
        QueueListing listing = QueueOrder.listing(ctx, null, null, paged ? 100 : Integer.MAX_VALUE);
        Responses.json(ctx, inspection.queues(listing), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 256).beginObject().name("queues").beginArray();
            long total = queueSummaries(out, rows);
            out.endArray();
            if (paged) {
                out.name("pagination").beginObject().field("limit", listing.limit())
                        .field("offset", listing.offset()).endObject().field("total", total);
            }
            return out.endObject().toString();
        });
    }

    /**
     * The queues of a listing page (resources and status share the shape).
     *
     * @return the number of queues matching the listing's filters, on all pages
     */
    static long queueSummaries(JsonOut out, RowSet<Row> rows) {
        long matching = 0;
        for (Row r : rows) {
            matching = r.getLong("matching_total");
            if (r.getUUID("id") == null) {
                continue; // an empty page
            }
            out.beginObject()
                    .field("id", r.getUUID("id")).field("name", r.getString("name"))
                    .field("namespace", r.getString("namespace")).field("task", r.getString("task"))
                    .field("createdAt", JsonOut.millis(r.getOffsetDateTime("created_at")))
                    .field("partitions", r.getLong("partitions"))
                    .name("messages").beginObject()
                    .field("total", r.getLong("total")).field("pending", r.getLong("pending"))
                    .field("processing", r.getLong("processing"))
                    .endObject().endObject();
        }
        return matching;
    }

    private void queue(RoutingContext ctx) {
        inspection.queue(ctx.pathParam("queue")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
            } else if (ar.result().size() == 0) {
                Responses.error(ctx, 404, "Queue not found");
            } else {
                Responses.json(ctx, 200, queueDetail(ar.result()));
            }
        });
    }

    private static String queueDetail(RowSet<Row> rows) {
        Row first = rows.iterator().next();
        JsonOut out = new JsonOut(512 + rows.size() * 384).beginObject()
                .field("id", first.getUUID("id")).field("name", first.getString("name"))
                .field("namespace", first.getString("namespace")).field("task", first.getString("task"))
                .field("createdAt", JsonOut.millis(first.getOffsetDateTime("created_at")))
                .name("partitions").beginArray();
        long total = 0;
        long pending = 0;
        long processing = 0;
        long completed = 0;
        long deadLetter = 0;
        for (Row r : rows) {
            if (r.getUUID("partition_id") == null) {
                continue; // a queue without partitions still has its one row
            }
            total += r.getLong("total");
            pending += r.getLong("pending");
            processing += r.getLong("processing");
            completed += r.getLong("completed");
            deadLetter += r.getLong("dead_letter");
            out.beginObject()
                    .field("id", r.getUUID("partition_id")).field("name", r.getString("partition_name"))
                    .field("createdAt", JsonOut.millis(r.getOffsetDateTime("partition_created_at")));
            stats(out.name("stats"), r.getLong("total"), r.getLong("pending"), r.getLong("processing"),
                    r.getLong("completed"), r.getLong("dead_letter"));
            out.field("oldestMessage", JsonOut.micros(r.getOffsetDateTime("oldest")))
                    .field("newestMessage", JsonOut.micros(r.getOffsetDateTime("newest")))
                    .endObject();
        }
        out.endArray();
        stats(out.name("totals"), total, pending, processing, completed, deadLetter);
        return out.endObject().toString();
    }

    private static void stats(JsonOut out, long total, long pending, long processing, long completed,
                              long deadLetter) {
        // no message state is "failed" here: a failed ack is either retried (pending) or dead-lettered
        out.beginObject().field("total", total).field("pending", pending).field("processing", processing)
                .field("completed", completed).field("failed", 0).field("deadLetter", deadLetter).endObject();
    }

    private void groups(RoutingContext ctx, Future<RowSet<Row>> result, String listName, String keyName) {
        Responses.json(ctx, result, rows -> {
            JsonOut out = new JsonOut().beginObject().name(listName).beginArray();
            for (Row r : rows) {
                out.beginObject().field(keyName, r.getString("name"))
                        .field("queues", r.getLong("queues")).field("partitions", r.getLong("partitions"))
                        .name("messages").beginObject()
                        .field("total", r.getLong("total")).field("pending", r.getLong("pending"))
                        .endObject().endObject();
            }
            return out.endArray().endObject().toString();
        });
    }

    private void clearQueue(RoutingContext ctx) {
        String queue = ctx.pathParam("queue");
        queueAdmin.clear(queue).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
            } else if (ar.result() == null) {
                Responses.error(ctx, 404, "Queue not found");
            } else {
                Responses.json(ctx, 200, new JsonOut().beginObject().field("cleared", true).field("queue", queue)
                        .field("deleted", ar.result()).endObject().toString());
            }
        });
    }

    private void deleteQueue(RoutingContext ctx) {
        String queue = ctx.pathParam("queue");
        Responses.json(ctx, queueAdmin.delete(queue), existed -> new JsonOut().beginObject()
                .field("deleted", true).field("queue", queue).field("existed", existed)
                .endObject().toString());
    }
}
