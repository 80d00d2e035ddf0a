package io.queen.http;

import io.queen.crypto.Encryption;
import io.queen.longpoll.PopAnswer;
import io.queen.metrics.WorkerMetrics;
import io.queen.queue.PopOutcome;
import io.queen.queue.PopQuery;
import io.queen.queue.PoppedMessage;
import io.vertx.ext.web.RoutingContext;

/** Turns a pop's result into its HTTP answer (200 with the messages, 204, or the error) and counts it. */
final class PopResponse implements PopAnswer {
    private final RoutingContext ctx;
    private final PopQuery query;
    private final WorkerMetrics workerMetrics;
    private final Encryption encryption;

    PopResponse(RoutingContext ctx, PopQuery query, WorkerMetrics workerMetrics, Encryption encryption) {
        this.ctx = ctx;
        this.query = query;
        this.workerMetrics = workerMetrics;
        this.encryption = encryption;
    }

    /** 204 for a pop of {@code queue}, counted as an empty pop. */
    static void noMessages(RoutingContext ctx, String queue, WorkerMetrics workerMetrics) {
        workerMetrics.poppedEmpty(queue);
        Responses.noContent(ctx);
    }

    @Override
    public void messages(PopOutcome outcome) {
        workerMetrics.popped(query.queue(), outcome.messages(), System.currentTimeMillis(), query.autoAck());
        Responses.json(ctx, 200, envelope(outcome));
    }

    @Override
    public void empty() {
        noMessages(ctx, query.queue(), workerMetrics);
    }

    @Override
    public void failed(Throwable cause) {
        Responses.failure(ctx, cause);
    }

    @Override
    public boolean clientGone() {
        return ctx.response().closed();
    }

    @Override
    public void whenClientGone(Runnable then) {
        ctx.response().closeHandler(v -> then.run());
    }

    private JsonOut envelope(PopOutcome outcome) {
        String leaseId = query.autoAck() ? "" : query.leaseId().toString();
        PoppedMessage first = outcome.messages().get(0);
        JsonOut out = new JsonOut(256 + outcome.messages().size() * 320);
        out.beginObject()
                .field("success", true)
                .field("queue", query.queue())
                .field("partition", first.partition())
                .field("partitionId", first.partitionId())
                .field("leaseId", leaseId)
                .field("consumerGroup", query.consumerGroup())
                .name("messages").beginArray();
        for (PoppedMessage m : outcome.messages()) {
            out.beginObject()
                    .field("id", m.id())
                    .field("transactionId", m.transactionId())
                    .field("traceId", m.traceId());
            Payloads.write(out, "data", m.payloadJson(), encryption)
                    .field("producerSub", m.producerSub())
                    .field("createdAt", JsonOut.micros(m.createdMicros()))
                    .field("partitionId", m.partitionId())
                    .field("partition", m.partition())
                    .field("leaseId", leaseId)
                    .field("consumerGroup", query.consumerGroup())
                    .endObject();
        }
        return out.endArray()
                .field("partitionsClaimed", outcome.partitionsClaimed())
                .endObject();
    }
}
