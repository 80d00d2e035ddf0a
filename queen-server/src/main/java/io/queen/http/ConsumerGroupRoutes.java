package io.queen.http;

import io.queen.admin.ConsumerGroupAdmin;
import io.queen.admin.ConsumerGroupAdmin.PartitionState;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.queen.http.MessageRoutes.guard;

/**
 * Everything under /api/v1/consumer-groups (spec 3.13): list, one group's partitions, lagging
 * partitions, delete, seek, subscription.
 */
final class ConsumerGroupRoutes {
    /** A group whose oldest unconsumed message waits longer than this is "Lagging". */
    private static final long LAGGING_SECONDS = 300;

    private final ConsumerGroupAdmin groups;

    ConsumerGroupRoutes(ConsumerGroupAdmin groups) {
        this.groups = groups;
    }

    void mount(Router router) {
        router.get("/api/v1/consumer-groups").handler(guard(this::list));
        // the static route first: "lagging" is not a group name here
        router.get("/api/v1/consumer-groups/lagging").handler(guard(this::lagging));
        router.get("/api/v1/consumer-groups/:group").handler(guard(this::details));
        router.delete("/api/v1/consumer-groups/:group").handler(guard(this::deleteGroup));
        router.post("/api/v1/consumer-groups/:group/subscription").handler(guard(this::updateSubscription));
        router.post("/api/v1/consumer-groups/:group/queues/:queue/seek").handler(guard(this::seekQueue));
        router.post("/api/v1/consumer-groups/:group/queues/:queue/partitions/:partition/seek")
                .handler(guard(this::seekPartition));
        router.delete("/api/v1/consumer-groups/:group/queues/:queue").handler(guard(this::deleteGroupForQueue));
    }

    private void list(RoutingContext ctx) {
        // optional, for the dashboard: without them the answer is every pair, as before
        String queue = ctx.request().getParam("queue");
        String search = Bodies.query(ctx, "search");
        int limit = Bodies.queryInt(ctx, "limit", Integer.MAX_VALUE, 1);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        groups.partitions(null, queue, search, limit, offset).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            Map<String, List<PartitionState>> byGroupAndQueue = new LinkedHashMap<>();
            for (PartitionState p : ar.result()) {
                byGroupAndQueue.computeIfAbsent(p.group() + "\u0000" + p.queue(), k -> new ArrayList<>()).add(p);
            }
            JsonOut out = new JsonOut().beginArray();
            for (List<PartitionState> rows : byGroupAndQueue.values()) {
                PartitionState first = rows.get(0);
                long withLag = rows.stream().filter(p -> p.offsetLag() > 0).count();
                long totalLag = rows.stream().mapToLong(PartitionState::offsetLag).sum();
                long maxTimeLag = rows.stream().mapToLong(PartitionState::timeLagSeconds).max().orElse(0);
                boolean consumed = rows.stream().anyMatch(p -> p.lastConsumedAt() != null);
                out.beginObject()
                        .field("name", first.group())
                        .name("topics").beginArray().value(first.queue()).endArray()
                        .field("queueName", first.queue())
                        .field("members", rows.size())
                        .field("partitionsWithLag", withLag)
                        .field("totalLag", totalLag)
                        .field("maxTimeLag", maxTimeLag)
                        .field("state", maxTimeLag > LAGGING_SECONDS ? "Lagging" : consumed ? "Stable" : "Dead")
                        .field("subscriptionMode", first.subscriptionMode())
                        .field("subscriptionTimestamp", JsonOut.millis(first.subscriptionTimestamp()))
                        .field("subscriptionCreatedAt", JsonOut.millis(first.subscriptionCreatedAt()))
                        .endObject();
            }
            Responses.json(ctx, 200, out.endArray().toString());
        });
    }

    private void details(RoutingContext ctx) {
        groups.partitions(ctx.pathParam("group")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            Map<String, List<PartitionState>> byQueue = new LinkedHashMap<>();
            for (PartitionState p : ar.result()) {
                byQueue.computeIfAbsent(p.queue(), k -> new ArrayList<>()).add(p);
            }
            JsonOut out = new JsonOut().beginObject();
            byQueue.forEach((queue, rows) -> {
                out.name(queue).beginObject().name("partitions").beginArray();
                for (PartitionState p : rows) {
                    out.beginObject()
                            .field("partition", p.partition())
                            .field("workerId", p.leaseActive() ? p.leaseId() : null)
                            .field("lastConsumedAt", JsonOut.millis(p.lastConsumedAt()))
                            .field("totalConsumed", p.totalConsumed())
                            .field("offsetLag", p.offsetLag())
                            .field("timeLagSeconds", p.timeLagSeconds())
                            .field("leaseActive", p.leaseActive())
                            .endObject();
                }
                out.endArray().endObject();
            });
            Responses.json(ctx, 200, out.endObject().toString());
        });
    }

    private void lagging(RoutingContext ctx) {
        int minLag = Bodies.queryInt(ctx, "minLagSeconds", 3600, 0);
        groups.partitions(null).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            List<PartitionState> lagging = new ArrayList<>();
            for (PartitionState p : ar.result()) {
                if (p.offsetLag() > 0 && p.timeLagSeconds() > minLag) {
                    lagging.add(p);
                }
            }
            lagging.sort(Comparator.comparingLong(PartitionState::timeLagSeconds).reversed());
            JsonOut out = new JsonOut().beginArray();
            for (PartitionState p : lagging) {
                out.beginObject()
                        .field("consumer_group", p.group())
                        .field("queue_name", p.queue())
                        .field("partition_name", p.partition())
                        .field("partition_id", p.partitionId())
                        .field("worker_id", p.leaseActive() ? p.leaseId() : null)
                        .field("offset_lag", p.offsetLag())
                        .field("time_lag_seconds", p.timeLagSeconds())
                        .name("lag_hours").raw(String.format(java.util.Locale.ROOT, "%.2f", p.timeLagSeconds() / 3600.0))
                        .field("oldest_unconsumed_at", JsonOut.millis(p.oldestUnconsumedAt()))
                        .field("last_consumed_at", JsonOut.millis(p.lastConsumedAt()))
                        .endObject();
            }
            Responses.json(ctx, 200, out.endArray().toString());
        });
    }

    private void deleteGroup(RoutingContext ctx) {
        String group = ctx.pathParam("group");
        boolean metadata = Bodies.queryBool(ctx, "deleteMetadata", true);
        Responses.json(ctx, groups.delete(group, metadata), d -> new JsonOut().beginObject()
                .field("success", true).field("consumerGroup", group)
                .field("deletedPartitions", d.partitions()).field("metadataDeleted", d.metadataDeleted())
                .endObject().toString());
    }

    private void deleteGroupForQueue(RoutingContext ctx) {
        String group = ctx.pathParam("group");
        String queue = ctx.pathParam("queue");
        boolean metadata = Bodies.queryBool(ctx, "deleteMetadata", true);
        Responses.json(ctx, groups.deleteForQueue(group, queue, metadata), d -> new JsonOut().beginObject()
                .field("success", true).field("consumerGroup", group).field("queueName", queue)
                .field("deletedPartitions", d.partitions()).field("metadataDeleted", d.metadataDeleted())
                .endObject().toString());
    }

    private void seekQueue(RoutingContext ctx) {
        String group = ctx.pathParam("group");
        String queue = ctx.pathParam("queue");
        JsonObject body = Bodies.object(ctx);
        boolean toEnd = Boolean.TRUE.equals(body.getValue("toEnd"));
        String timestamp = Bodies.optionalString(body, "timestamp");
        if (!toEnd && timestamp == null) {
            throw ApiError.badRequest("Must specify either 'toEnd': true or 'timestamp'");
        }
        OffsetDateTime target = toEnd ? null : Bodies.requiredTimestamp(timestamp, "timestamp");
        Responses.json(ctx, groups.seekQueue(group, queue, toEnd, target), updated -> new JsonOut().beginObject()
                .field("success", true).field("consumerGroup", group).field("queueName", queue)
                .field("seekToEnd", toEnd).field("targetTimestamp", JsonOut.millis(target))
                .field("partitionsUpdated", updated)
                .endObject().toString());
    }

    private void seekPartition(RoutingContext ctx) {
        String group = ctx.pathParam("group");
        String queue = ctx.pathParam("queue");
        String partition = ctx.pathParam("partition");
        groups.seekPartitionToEnd(group, queue, partition).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
            } else if (!ar.result().found()) {
                Responses.json(ctx, 404, new JsonOut().beginObject()
                        .field("success", false).field("error", "Partition not found").endObject().toString());
            } else {
                Responses.json(ctx, 200, new JsonOut().beginObject()
                        .field("success", true).field("consumerGroup", group).field("queueName", queue)
                        .field("partitionName", partition).field("updated", ar.result().updated())
                        .field("cursorMovedTo", ar.result().cursorId())
                        .endObject().toString());
            }
        });
    }

    private void updateSubscription(RoutingContext ctx) {
        String group = ctx.pathParam("group");
        JsonObject body = Bodies.object(ctx);
        String raw = Bodies.optionalString(body, "subscriptionTimestamp");
        if (raw == null) {
            throw ApiError.badRequest("Missing subscriptionTimestamp in request body");
        }
        OffsetDateTime timestamp = Bodies.requiredTimestamp(raw, "subscriptionTimestamp");
        Responses.json(ctx, groups.updateSubscription(group, timestamp), rows -> new JsonOut().beginObject()
                .field("success", true).field("consumerGroup", group)
                .field("newTimestamp", JsonOut.millis(timestamp)).field("rowsUpdated", rows)
                .endObject().toString());
    }

}
