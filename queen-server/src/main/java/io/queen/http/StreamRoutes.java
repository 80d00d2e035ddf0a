package io.queen.http;

import io.queen.auth.Identity;
import io.queen.buffer.FileBufferClient;
import io.queen.crypto.Encryption;
import io.queen.metrics.WorkerMetrics;
import io.queen.queue.PushResult;
import io.queen.streams.CycleOutcome;
import io.queen.streams.CycleRequest;
import io.queen.streams.StreamCycles;
import io.queen.streams.StreamQueries;
import io.queen.streams.StreamState;
import io.queen.streams.StreamsOverview;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.queen.http.MessageRoutes.guard;

/**
 * The streaming SDKs' routes (spec 3.17: register a query, commit a cycle, read state) and
 * the operators' view of what streams run (GET /api/v1/streams/queries…).
 */
final class StreamRoutes {
    private final StreamQueries queries;
    private final StreamCycles cycles;
    private final StreamState state;
    private final StreamsOverview overview;
    private final Encryption encryption;
    private final FileBufferClient buffer;
    private final WorkerMetrics workerMetrics;

    StreamRoutes(StreamQueries queries, StreamCycles cycles, StreamState state, StreamsOverview overview,
                 Encryption encryption, FileBufferClient buffer, WorkerMetrics workerMetrics) {
        this.queries = queries;
        this.cycles = cycles;
        this.state = state;
        this.overview = overview;
        this.encryption = encryption;
        this.buffer = buffer;
        this.workerMetrics = workerMetrics;
    }

    void mount(Router router) {
        router.post("/streams/v1/queries").handler(guard(this::register));
        router.post("/streams/v1/cycle").handler(guard(this::cycle));
        router.post("/streams/v1/state/get").handler(guard(this::stateGet));
        router.get("/api/v1/streams/queries").handler(guard(this::listQueries));
        router.get("/api/v1/streams/queries/:name").handler(guard(this::queryDetails));
    }

    private void register(RoutingContext ctx) {
        JsonObject body = Bodies.object(ctx);
        String name = Names.name(required(body, "name"), "name");
        String source = Names.name(required(body, "source_queue"), "source_queue");
        String hash = Names.name(required(body, "config_hash"), "config_hash");
        String sink = Names.name(Bodies.optionalString(body, "sink_queue"), "sink_queue");
        boolean reset = Bodies.bool(body, "reset", false);
        queries.register(name, source, sink == null || sink.isEmpty() ? null : sink, hash, reset)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        Responses.failure(ctx, ar.cause());
                        return;
                    }
                    StreamQueries.Registration r = ar.result();
                    JsonOut out = new JsonOut().beginObject();
                    if (r.outcome() == StreamQueries.Outcome.MISMATCH) {
                        Responses.json(ctx, 409, out.field("success", false).field("query_id", r.queryId())
                                .field("name", name)
                                .field("error", "config_hash mismatch: query '" + name + "' is registered with "
                                        + "another operator chain; pass reset:true to delete its state and "
                                        + "start over, or use a new queryId")
                                .endObject().toString());
                        return;
                    }
                    Responses.json(ctx, 200, out.field("success", true).field("query_id", r.queryId())
                            .field("name", name).field("config_hash", hash)
                            .field("fresh", r.outcome() == StreamQueries.Outcome.FRESH)
                            .field("reset", r.outcome() == StreamQueries.Outcome.RESET)
                            .endObject().toString());
                });
    }

    /** A non-empty string field (the reference's "<field> is required" otherwise). */
    private static String required(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (!(value instanceof String) || ((String) value).isEmpty()) {
            throw ApiError.badRequest(field + " is required");
        }
        return (String) value;
    }

    private void cycle(RoutingContext ctx) {
        byte[] body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
        CycleRequest request = CycleRequestParser.parse(body, Identity.subjectOf(ctx));
        // before the database: it never holds the clear text of an encrypted queue
        encryption.seal(request.sinkPushes());
        if (!request.sinkPushes().isEmpty() && buffer.holdsEarlierPushes(request.sinkPushes())) {
            // a cycle cannot wait in the file buffer, and its pushes must not overtake what does
            Responses.retryShortly(ctx, "A sink partition of this cycle has pushes from a database outage or "
                    + "push maintenance still being replayed; try again shortly");
            return;
        }
        cycles.commit(request).onComplete(ar -> {
            workerMetrics.databaseCall(ar.failed());
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            CycleOutcome outcome = ar.result();
            if (outcome.committed() && !outcome.sinkResults().isEmpty()) {
                workerMetrics.pushed(outcome.sinkResults());
            }
            Responses.json(ctx, 200, cycleJson(request, outcome));
        });
    }

    private static String cycleJson(CycleRequest request, CycleOutcome outcome) {
        JsonOut out = new JsonOut(256 + outcome.sinkResults().size() * 200).beginObject()
                .field("success", outcome.committed())
                .field("query_id", request.queryId())
                .field("partition_id", request.partitionId())
                .field("queueName", outcome.queue())
                .field("state_ops_applied", outcome.stateOpsApplied());
        out.name("push_results").beginArray();
        for (PushResult r : outcome.sinkResults()) {
            MessageRoutes.pushResult(out, r);
        }
        out.endArray().name("ack_result");
        CycleOutcome.AckOutcome ack = outcome.ack();
        if (ack == null) {
            out.raw("null");
        } else {
            out.beginObject().field("success", true).field("count", ack.count())
                    .field("lease_released", ack.leaseReleased()).field("dlq", ack.dlq()).endObject();
        }
        if (!outcome.committed()) {
            out.field("error", outcome.error());
        }
        return out.endObject().toString();
    }

    private void stateGet(RoutingContext ctx) {
        JsonObject body = Bodies.object(ctx);
        String queryId = Bodies.optionalString(body, "query_id");
        String partitionId = Bodies.optionalString(body, "partition_id");
        if (queryId == null || queryId.isEmpty() || partitionId == null || partitionId.isEmpty()) {
            throw ApiError.badRequest("query_id and partition_id are required");
        }
        List<String> keys = new ArrayList<>();
        Object listed = body.getValue("keys");
        if (listed != null) {
            if (!(listed instanceof JsonArray)) {
                throw ApiError.badRequest("keys must be an array of strings");
            }
            for (Object key : (JsonArray) listed) {
                if (!(key instanceof String)) {
                    throw ApiError.badRequest("keys must be an array of strings");
                }
                keys.add((String) key);
            }
        }
        String prefix = Bodies.optionalString(body, "key_prefix");
        Object ripe = body.getValue("ripe_at_or_before");
        if (ripe != null && !(ripe instanceof Number)) {
            throw ApiError.badRequest("ripe_at_or_before must be a number (epoch milliseconds)");
        }
        BigDecimal ripeAt = ripe == null ? null : new BigDecimal(ripe.toString());
        UUID query = Uuids.parse(queryId, "query_id");
        UUID partition = Uuids.parse(partitionId, "partition_id");
        Responses.json(ctx, state.get(query, partition, keys, prefix == null || prefix.isEmpty() ? null : prefix,
                ripeAt), rows -> {
            JsonOut out = new JsonOut(64 + rows.size() * 160).beginObject().field("success", true)
                    .name("rows").beginArray();
            for (StreamState.StateRow row : rows) {
                out.beginObject().field("key", row.key()).name("value").raw(row.value())
                        .field("updated_at", JsonOut.micros(row.updatedAt())).endObject();
            }
            return out.endArray().endObject().toString();
        });
    }

    private void listQueries(RoutingContext ctx) {
        Responses.json(ctx, overview.queries(null), list -> {
            JsonOut out = new JsonOut().beginObject().name("queries").beginArray();
            list.forEach(q -> queryJson(out, q));
            return out.endArray().endObject().toString();
        });
    }

    private void queryDetails(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        overview.queries(name).compose(found -> found.isEmpty()
                ? io.vertx.core.Future.<String>succeededFuture(null)
                : overview.partitions(name).map(partitions -> {
                    JsonOut out = new JsonOut().beginObject().name("query");
                    queryJson(out, found.get(0)).name("partitions").beginArray();
                    for (StreamsOverview.Partition p : partitions) {
                        out.beginObject().field("partitionId", p.partitionId()).field("partition", p.partition())
                                .field("queue", p.queue()).field("stateRows", p.stateRows())
                                .field("stateBytes", p.stateBytes())
                                .field("lastStateUpdate", JsonOut.millis(p.lastStateUpdate()))
                                .field("messagesConsumed", p.messagesConsumed())
                                .field("lastConsumedAt", JsonOut.millis(p.lastConsumedAt()))
                                .field("leaseActive", p.leaseActive()).endObject();
                    }
                    return out.endArray().endObject().toString();
                })).onComplete(ar -> {
                    if (ar.failed()) {
                        Responses.failure(ctx, ar.cause());
                    } else if (ar.result() == null) {
                        Responses.error(ctx, 404, "No streams query named '" + name + "'");
                    } else {
                        Responses.json(ctx, 200, ar.result());
                    }
                });
    }

    private static JsonOut queryJson(JsonOut out, StreamsOverview.Query q) {
        return out.beginObject().field("id", q.id()).field("name", q.name()).field("sourceQueue", q.sourceQueue())
                .field("sinkQueue", q.sinkQueue()).field("configHash", q.configHash())
                .field("consumerGroup", "streams." + q.name())
                .field("createdAt", JsonOut.millis(q.createdAt())).field("updatedAt", JsonOut.millis(q.updatedAt()))
                .field("statePartitions", q.statePartitions()).field("stateRows", q.stateRows())
                .field("stateBytes", q.stateBytes()).field("lastStateUpdate", JsonOut.millis(q.lastStateUpdate()))
                .field("messagesConsumed", q.messagesConsumed()).field("activeLeases", q.activeLeases())
                .field("lastConsumedAt", JsonOut.millis(q.lastConsumedAt())).endObject();
    }
}
