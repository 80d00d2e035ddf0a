package io.queen.http;

import io.queen.admin.Inspection.DlqFilter;
import io.queen.admin.Inspection;
import io.queen.crypto.Encryption;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import static io.queen.http.MessageRoutes.guard;

/** Everything under /api/v1/dlq (spec 3.10): the dead-letter listing, on the background pool. */
final class DlqRoutes {
    private final Inspection inspection;
    private final Encryption encryption;

    DlqRoutes(Inspection inspection, Encryption encryption) {
        this.inspection = inspection;
        this.encryption = encryption;
    }

    void mount(Router router) {
        router.get("/api/v1/dlq").handler(guard(this::deadLetters));
    }

    private void deadLetters(RoutingContext ctx) {
        int limit = Bodies.queryLimit(ctx, 100);
        int offset = Bodies.queryInt(ctx, "offset", 0, 0);
        DlqFilter filter = new DlqFilter(Bodies.query(ctx, "queue"), Bodies.query(ctx, "consumerGroup"), Bodies.query(ctx, "partition"),
                Bodies.queryTimestamp(ctx, "from", null), Bodies.queryTimestamp(ctx, "to", null), limit, offset);
        Responses.json(ctx, inspection.deadLetters(filter), rows -> {
            JsonOut out = new JsonOut(256 + rows.size() * 512).beginObject().name("messages").beginArray();
            long total = 0;
            for (Row r : rows) {
                total = r.getLong("total");
                if (r.getUUID("message_id") == null) {
                    continue; // the page is empty; the row only carries the total
                }
                out.beginObject()
                        .field("id", r.getUUID("message_id")).field("transactionId", r.getString("transaction_id"))
                        .field("partitionId", r.getUUID("partition_id"))
                        .field("queue", r.getString("queue")).field("partition", r.getString("partition"))
                        .field("consumerGroup", r.getString("consumer_group"))
                        .field("errorMessage", r.getString("error_message"))
                        .field("retryCount", r.getInteger("retry_count"));
                Payloads.write(out, "data", r.getString("data"), encryption)
                        .field("producerSub", r.getString("producer_sub"))
                        .field("createdAt", JsonOut.micros(r.getOffsetDateTime("created_at")))
                        .field("failedAt", JsonOut.millis(r.getOffsetDateTime("failed_at")))
                        .endObject();
            }
            return out.endArray()
                    .name("pagination").beginObject().field("limit", limit).field("offset", offset).endObject()
                    .field("total", total)
                    .endObject().toString();
        });
    }
}
