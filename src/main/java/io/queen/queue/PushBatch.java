package io.queen.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Messages to insert, column by column, ready to bind as PostgreSQL arrays. Payloads are the
 * raw JSON text of the request; nothing here ever looks inside them.
 */
public final class PushBatch {
    final List<String> queues = new ArrayList<>();
    final List<String> partitions = new ArrayList<>();
    final List<String> transactionIds = new ArrayList<>();
    final List<UUID> messageIds = new ArrayList<>();
    final List<String> payloads = new ArrayList<>();
    final List<UUID> traceIds = new ArrayList<>();
    final List<String> producers = new ArrayList<>();

    /**
     * @param transactionId null or empty: a random one is generated (the idempotency key
     *                      must exist, and the client did not provide one)
     */
    public void add(String queue, String partition, String transactionId, String payloadJson, UUID traceId,
                    String producer) {
        queues.add(queue);
        partitions.add(partition);
        transactionIds.add(transactionId == null || transactionId.isEmpty()
                ? UUID.randomUUID().toString() : transactionId);
        messageIds.add(UuidV7.next());
        payloads.add(payloadJson);
        traceIds.add(traceId);
        producers.add(producer);
    }

    /** The items of several batches, in order (request fusion). */
    static PushBatch concat(List<PushBatch> batches) {
        PushBatch all = new PushBatch();
        for (PushBatch b : batches) {
            all.queues.addAll(b.queues);
            all.partitions.addAll(b.partitions);
            all.transactionIds.addAll(b.transactionIds);
            all.messageIds.addAll(b.messageIds);
            all.payloads.addAll(b.payloads);
            all.traceIds.addAll(b.traceIds);
            all.producers.addAll(b.producers);
        }
        return all;
    }

    public int size() {
        return queues.size();
    }

    public boolean isEmpty() {
        return queues.isEmpty();
    }
}
