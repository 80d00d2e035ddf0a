package io.queen.http;

import io.queen.auth.Identity;
import io.queen.crypto.Encryption;
import io.queen.buffer.FileBufferClient;
import io.queen.config.QueenConfig;
import io.queen.db.DbErrors;
import io.queen.longpoll.LongPolls;
import io.queen.maintenance.MaintenanceState;
import io.queen.metrics.WorkerMetrics;
import io.queen.queue.AckItem;
import io.queen.queue.AckResult;
import io.queen.queue.AckService;
import io.queen.queue.LeaseService;
import io.queen.queue.ConsumerGroups;
import io.queen.queue.PopQuery;
import io.queen.queue.PushBatch;
import io.queen.queue.PushResult;
import io.queen.queue.PushOwners;
import io.queen.queue.PushService;
import io.queen.queue.TransactionOp;
import io.queen.queue.TransactionService;
import io.queen.queue.UuidV7;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The hot path: push, pop, ack, lease extension and transactions (spec 3.3–3.7). */
final class MessageRoutes {

    private final QueenConfig config;
    private final PushOwners.Route pushes;
    private final AckService acks;
    private final LeaseService leases;
    private final TransactionService transactions;
    private final LongPolls longPolls;
    private final WorkerMetrics workerMetrics;
    private final MaintenanceState maintenance;
    private final FileBufferClient buffer;
    private final Encryption encryption;

    MessageRoutes(QueenConfig config, PushOwners.Route pushes, LongPolls longPolls, AckService acks,
                  LeaseService leases, TransactionService transactions,
                  WorkerMetrics workerMetrics, MaintenanceState maintenance, FileBufferClient buffer,
                  Encryption encryption) {
        this.encryption = encryption;
        this.workerMetrics = workerMetrics;
        this.maintenance = maintenance;
        this.buffer = buffer;
        this.config = config;
        this.pushes = pushes;
        this.acks = acks;
        this.leases = leases;
        this.transactions = transactions;
        this.longPolls = longPolls;
    }

    void mount(Router router) {
        router.post("/api/v1/push").handler(guard(this::push));
        router.get("/api/v1/pop/queue/:queue/partition/:partition").handler(guard(ctx -> pop(ctx, true)));
        router.get("/api/v1/pop/queue/:queue").handler(guard(ctx -> pop(ctx, false)));
        router.post("/api/v1/ack/batch").handler(guard(this::ackBatch));
        router.post("/api/v1/ack").handler(guard(this::ackOne));
        router.post("/api/v1/lease/:leaseId/extend").handler(guard(this::extendLease));
        router.post("/api/v1/transaction").handler(guard(this::transaction));
    }

    /** Turns exceptions thrown while reading a request into their JSON error response. */
    static io.vertx.core.Handler<RoutingContext> guard(io.vertx.core.Handler<RoutingContext> handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (RuntimeException e) {
                Responses.failure(ctx, e);
            }
        };
    }

    private void push(RoutingContext ctx) {
        byte[] body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().buffer().getBytes();
        PushBatch batch = PushRequestParser.parse(body, Identity.subjectOf(ctx));
        if (batch.isEmpty()) {
            Responses.json(ctx, 201, "[]");
            return;
        }
        // before the database or the file buffer: neither ever holds the clear text
        encryption.seal(batch);
        // behind the buffered pushes of the same partitions, so that none overtakes them (FIFO)
        if (maintenance.pushPaused() || buffer.holdsEarlierPushes(batch)) {
            pushToBuffer(ctx, batch);
            return;
        }
        pushes.push(batch).onComplete(ar -> {
            if (ar.failed()) {
                workerMetrics.dbError();
            }
            if (ar.failed() && DbErrors.isUnavailable(ar.cause())) {
                // failover: the items wait in the file buffer until the database is back
                pushToBuffer(ctx, batch);
                return;
            }
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            JsonOut out = new JsonOut(64 + batch.size() * 200).beginArray();
            workerMetrics.pushed(ar.result());
            for (PushResult r : ar.result()) {
                pushResult(out, r);
            }
            Responses.json(ctx, 201, out.endArray());
        });
    }

    /** One item of a push response (spec 3.3): snake_case ids next to camelCase queueName. */
    static JsonOut pushResult(JsonOut out, PushResult r) {
        out.beginObject()
                .field("index", r.index())
                .field("transaction_id", r.transactionId())
                .field("status", r.status())
                .field("message_id", r.messageId());
        if (r.queued()) {
            out.field("partition_id", r.partitionId()).field("trace_id", r.traceId());
        }
        return out.field("queueName", r.queue()).endObject();
    }

    /** Answers 201 "buffered" per item once the items are durable on disk, 500 "failed" if not. */
    private void pushToBuffer(RoutingContext ctx, PushBatch batch) {
        buffer.append(batch).onComplete(ar -> {
            JsonOut out = new JsonOut(64 + batch.size() * 160).beginArray();
            for (int i = 0; i < batch.size(); i++) {
                out.beginObject()
                        .field("status", ar.succeeded() ? "buffered" : "failed")
                        .field("queue", batch.queue(i))
                        .field("partition", batch.partition(i));
                if (ar.succeeded()) {
                    out.field("transactionId", batch.transactionId(i));
                } else {
                    out.field("error", "File buffer write failed");
                }
                out.endObject();
            }
            if (ar.succeeded()) {
                workerMetrics.pushBuffered(batch);
            }
            Responses.json(ctx, ar.succeeded() ? 201 : 500, out.endArray());
        });
    }

    private void pop(RoutingContext ctx, boolean specificPartition) {
        if (maintenance.popPaused()) {
            PopResponse.noMessages(ctx, ctx.pathParam("queue"), workerMetrics);
            return;
        }
        String queue = ctx.pathParam("queue");
        String partition = specificPartition ? ctx.pathParam("partition") : null;
        // "up to batch" messages: a larger ask gets a full page of the server's maximum
        int batch = Math.min(Bodies.queryInt(ctx, "batch", config.defaultBatch, 1), config.maxPopBatch);
        boolean wait = Bodies.queryBool(ctx, "wait", false);
        int timeout = Math.min(Bodies.queryInt(ctx, "timeout", config.defaultTimeoutMs, 0), config.maxTimeoutMs);
        int maxPartitions = specificPartition ? 1 : Bodies.queryInt(ctx, "partitions", 1, 1);
        boolean autoAck = Bodies.queryBool(ctx, "autoAck", false);
        String group = ConsumerGroups.orQueueMode(ctx.request().getParam("consumerGroup"));

        String mode = ctx.request().getParam("subscriptionMode");
        if (mode == null) {
            mode = config.defaultSubscriptionMode;
        } else {
            Names.subscriptionMode(mode);
        }
        String from = ctx.request().getParam("subscriptionFrom");
        OffsetDateTime fromTime = null;
        if (from != null && !from.isEmpty() && !from.equals("now")) {
            // the reference ignores a timestamp it cannot read and replays everything: a typo
            // must not do that
            fromTime = Bodies.timestamp(from);
            if (fromTime == null) {
                throw ApiError.badRequest("subscriptionFrom must be an ISO-8601 timestamp or 'now'");
            }
        }
        ConsumerGroups.Start start = ConsumerGroups.Start.of(group, mode, from, fromTime);

        PopQuery query = new PopQuery(queue, partition, group, batch, UuidV7.next(), maxPartitions, autoAck,
                start.subscription(), start.from());
        longPolls.pop(query, wait, timeout, new PopResponse(ctx, query, workerMetrics, encryption));
    }

    private void ackOne(RoutingContext ctx) {
        JsonObject body = Bodies.object(ctx);
        if (!(body.getValue("transactionId") instanceof String)) {
            throw ApiError.badRequest("transactionId is required");
        }
        if (!(body.getValue("partitionId") instanceof String)) {
            throw ApiError.badRequest("partitionId is required to ensure message uniqueness");
        }
        AckItem item = ackItem(body);
        String group = ConsumerGroups.orQueueMode(Bodies.optionalString(body, "consumerGroup"));
        List<AckItem> items = List.of(item);
        acks.ack(items, group).onComplete(ar -> respondAcks(ctx, items, ar));
    }

    private void ackBatch(RoutingContext ctx) {
        // streamed: a batch of thousands of acks never becomes a tree of maps
        AckRequestParser.Batch batch = AckRequestParser.parse(Bodies.text(ctx));
        List<AckItem> items = batch.items();
        acks.ack(items, batch.group()).onComplete(ar -> respondAcks(ctx, items, ar));
    }

    /** An acknowledgment whose transactionId and partitionId the caller found to be strings. */
    private static AckItem ackItem(JsonObject a) {
        return AckFields.item(a.getString("transactionId"), a.getString("partitionId"), a.getValue("status"),
                a.getValue("leaseId"), a.getValue("error"));
    }

    private void respondAcks(RoutingContext ctx, List<AckItem> items, io.vertx.core.AsyncResult<List<AckResult>> ar) {
        workerMetrics.databaseCall(ar.failed());
        if (ar.failed()) {
            Responses.failure(ctx, ar.cause());
            return;
        }
        workerMetrics.acked(items, ar.result());
        JsonOut out = new JsonOut().beginArray();
        for (AckResult r : ar.result()) {
            out.beginObject()
                    .field("index", r.index())
                    .field("transactionId", r.transactionId())
                    .field("success", r.success())
                    .field("error", r.error())
                    .field("queueName", r.queue())
                    .field("partitionName", r.partition())
                    .field("leaseReleased", r.leaseReleased())
                    .field("dlq", r.dlq())
                    .endObject();
        }
        Responses.json(ctx, 200, out.endArray());
    }

    private void extendLease(RoutingContext ctx) {
        UUID leaseId = Uuids.parse(ctx.pathParam("leaseId"), "leaseId");
        JsonObject body = Bodies.object(ctx);
        int seconds = Bodies.integer(body, "seconds", 60);
        if (seconds <= 0) {
            throw ApiError.badRequest("seconds must be a positive integer");
        }
        leases.extend(leaseId, seconds).onComplete(ar -> {
            workerMetrics.databaseCall(ar.failed());
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            LeaseService.Renewal r = ar.result();
            Responses.json(ctx, 200, new JsonOut().beginArray().beginObject()
                    .field("index", 0)
                    .field("leaseId", leaseId)
                    .field("success", r.error() == null)
                    .field("error", r.error())
                    .field("expiresAt", JsonOut.millis(r.expiresAt()))
                    .endObject().endArray().toString());
        });
    }

    private void transaction(RoutingContext ctx) {
        JsonObject body = Bodies.object(ctx);
        JsonArray operations = Bodies.array(body, "operations", "operations array required");
        if (operations.isEmpty()) {
            throw ApiError.badRequest("operations array cannot be empty");
        }
        List<TransactionOp> ops = new ArrayList<>();
        String producer = Identity.subjectOf(ctx);
        String unknownType = null;
        for (Object element : operations) {
            if (!(element instanceof JsonObject)) {
                throw ApiError.badRequest("Each operation must be an object");
            }
            JsonObject op = (JsonObject) element;
            String type = Bodies.optionalString(op, "type");
            if ("push".equals(type)) {
                if (op.getValue("items") != null) {
                    for (Object item : Bodies.array(op, "items", "push items must be an array")) {
                        if (!(item instanceof JsonObject)) {
                            throw ApiError.badRequest("Each push item must be an object");
                        }
                        ops.add(transactionPush((JsonObject) item, producer));
                    }
                } else {
                    ops.add(transactionPush(op, producer));
                }
            } else if ("ack".equals(type)) {
                if (!(op.getValue("transactionId") instanceof String)) {
                    throw ApiError.badRequest("ack operation requires a transactionId string");
                }
                if (!(op.getValue("partitionId") instanceof String)) {
                    throw ApiError.badRequest("ack operation requires a partitionId string");
                }
                ops.add(new TransactionOp.Ack(ackItem(op),
                        ConsumerGroups.orQueueMode(Bodies.optionalString(op, "consumerGroup"))));
            } else if (unknownType == null) {
                unknownType = String.valueOf(type);
            }
        }
        if (unknownType != null) {
            // nothing runs: the reference fails such a transaction as a whole
            Responses.json(ctx, 200, new JsonOut().beginObject()
                    .field("transactionId", UUID.randomUUID())
                    .field("success", false)
                    .field("error", "Unknown operation type: " + unknownType)
                    .name("results").beginArray().endArray()
                    .endObject().toString());
            return;
        }
        for (TransactionOp op : ops) {
            if (op instanceof TransactionOp.Push push && buffer.holdsEarlierPushes(push.batch())) {
                // a transaction cannot wait in the file buffer, and must not overtake what does
                Responses.retryShortly(ctx, "A partition of this transaction has pushes from a database outage or "
                        + "push maintenance still being replayed; try again shortly");
                return;
            }
        }
        transactions.execute(ops).onComplete(ar -> {
            workerMetrics.databaseCall(ar.failed());
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            TransactionService.Outcome outcome = ar.result();
            countTransaction(outcome);
            JsonOut out = new JsonOut().beginObject()
                    .field("transactionId", outcome.transactionId())
                    .field("success", outcome.error() == null);
            if (outcome.error() != null) {
                out.field("error", outcome.error());
            }
            out.name("results").beginArray();
            for (TransactionService.OpResult r : outcome.results()) {
                out.beginObject().field("index", r.index()).field("type", r.type()).field("success", true)
                        .field("transactionId", r.transactionId());
                if ("push".equals(r.type())) {
                    out.field("messageId", r.messageId()).field("partitionId", r.partitionId())
                            .field("queueName", r.queue());
                } else {
                    out.field("error", (String) null).field("dlq", r.dlq());
                }
                out.endObject();
            }
            Responses.json(ctx, 200, out.endArray().endObject().toString());
        });
    }

    /** The queues a transaction pushed to and the messages its acks sent to the DLQ. */
    private void countTransaction(TransactionService.Outcome outcome) {
        List<String> queues = new ArrayList<>(outcome.results().size());
        int deadLettered = 0;
        for (TransactionService.OpResult r : outcome.results()) {
            queues.add(r.queue());
            if (r.dlq()) {
                deadLettered++;
            }
        }
        // a failed transaction was rolled back: nothing of it reached the DLQ
        workerMetrics.transaction(queues, outcome.error() == null ? deadLettered : 0);
    }

    private TransactionOp.Push transactionPush(JsonObject item, String producer) {
        if (!(item.getValue("queue") instanceof String)) {
            throw ApiError.badRequest("Queue must be a string");
        }
        Object partition = item.getValue("partition");
        if (partition != null && !(partition instanceof String)) {
            throw ApiError.badRequest("Partition must be a string");
        }
        Object payload = item.containsKey("payload") ? item.getValue("payload")
                : item.containsKey("data") ? item.getValue("data") : new JsonObject();
        PushBatch batch = new PushBatch();
        batch.add(Names.queue(item.getString("queue")),
                Names.name(partition == null ? "Default" : (String) partition, "Partition name"),
                Names.transactionId(Bodies.optionalString(item, "transactionId")), Json.encode(payload),
                PushRequestParser.parseTraceId(Bodies.optionalString(item, "traceId")), producer);
        encryption.seal(batch);
        return new TransactionOp.Push(batch);
    }
}
