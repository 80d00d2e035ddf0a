package io.queen.queue;

import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Null until an item is encrypted: then one flag per item. */
    List<Boolean> encrypted;

    /**
     * @param transactionId null or empty: a random one is generated (the idempotency key
     *                      must exist, and the client did not provide one)
     */
    public void add(String queue, String partition, String transactionId, String payloadJson, UUID traceId,
                    String producer) {
        queues.add(queue);
        partitions.add(partition);
        transactionIds.add(transactionId == null || transactionId.isEmpty()
                ? randomUuid().toString() : transactionId);
        messageIds.add(UuidV7.next());
        payloads.add(payloadJson);
        traceIds.add(traceId);
        producers.add(producer);
        if (encrypted != null) {
            encrypted.add(Boolean.FALSE);
        }
    }

    /**
     * Replaces the payload of every item of an encrypted queue with its stored (encrypted) form.
     * Items already encrypted (a replayed buffer record) are left alone.
     */
    public void encrypt(java.util.function.Predicate<String> encryptedQueue,
                        java.util.function.UnaryOperator<String> cipher) {
        for (int i = 0; i < queues.size(); i++) {
            if (!encrypted(i) && encryptedQueue.test(queues.get(i))) {
                markEncrypted(i);
                payloads.set(i, cipher.apply(payloads.get(i)));
            }
        }
    }

    /** Marks an item whose payload is already in its encrypted form. */
    public void markEncrypted(int i) {
        if (encrypted == null) {
            encrypted = new ArrayList<>(java.util.Collections.nCopies(queues.size(), Boolean.FALSE));
        }
        encrypted.set(i, Boolean.TRUE);
    }

    public boolean encrypted(int i) {
        return encrypted != null && encrypted.get(i);
    }

    /**
     * Appends the batch's columns to {@code args} as the eight arrays push_batch_v2 takes
     * (queues, partitions, transaction ids, message ids, payloads, trace ids, producers,
     * encrypted flags), for every statement that pushes through it.
     */
    public Tuple addColumnsTo(Tuple args) {
        return addItemColumnsTo(args.addArrayOfString(queues.toArray(new String[0]))
                .addArrayOfString(partitions.toArray(new String[0])));
    }

    /** Transaction ids, message ids, payloads, trace ids, producers, encrypted flags. */
    private Tuple addItemColumnsTo(Tuple args) {
        return args.addArrayOfString(transactionIds.toArray(new String[0]))
                .addArrayOfUUID(messageIds.toArray(new UUID[0]))
                .addArrayOfString(payloads.toArray(new String[0]))
                .addArrayOfUUID(traceIds.toArray(new UUID[0]))
                .addArrayOfString(producers.toArray(new String[0]))
                .addArrayOfBoolean(encrypted == null ? null : encrypted.toArray(new Boolean[0]));
    }

    /**
     * Appends the batch as push_v3 takes it: its distinct (queue, partition) pairs once, and per
     * item the pair it goes to (1-based, also written to {@code pairOfItem}, one slot per item),
     * then the per-item arrays of {@link #addColumnsTo} after the partitions.
     */
    public Tuple addPairedColumnsTo(Tuple args, Integer[] pairOfItem) {
        List<String> pairQueues = new ArrayList<>();
        List<String> pairPartitions = new ArrayList<>();
        Map<String, Map<String, Integer>> pairs = new HashMap<>();
        String lastQueue = null;
        String lastPartition = null;
        int last = 0;
        for (int i = 0; i < pairOfItem.length; i++) {
            String queue = queues.get(i);
            String partition = partitions.get(i);
            // most batches go to one partition, or run of items to the same one: no map lookup
            if (!queue.equals(lastQueue) || !partition.equals(lastPartition)) {
                Map<String, Integer> ofQueue = pairs.computeIfAbsent(queue, q -> new HashMap<>());
                Integer pair = ofQueue.get(partition);
                if (pair == null) {
                    pairQueues.add(queue);
                    pairPartitions.add(partition);
                    pair = pairQueues.size();
                    ofQueue.put(partition, pair);
                }
                last = pair;
                lastQueue = queue;
                lastPartition = partition;
            }
            pairOfItem[i] = last;
        }
        return addItemColumnsTo(args.addArrayOfString(pairQueues.toArray(new String[0]))
                .addArrayOfString(pairPartitions.toArray(new String[0]))
                .addArrayOfInteger(pairOfItem));
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
        if (batches.stream().anyMatch(b -> b.encrypted != null)) {
            all.encrypted = new ArrayList<>(all.queues.size());
            for (PushBatch b : batches) {
                for (int i = 0; i < b.size(); i++) {
                    all.encrypted.add(b.encrypted(i));
                }
            }
        }
        return all;
    }

    /**
     * A version 4 UUID from a fast generator: it only has to be unique as an idempotency key,
     * and SecureRandom per item would be the most expensive step of a large push.
     */
    private static UUID randomUuid() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    // item accessors, for writing a batch to the file buffer

    public String queue(int i) {
        return queues.get(i);
    }

    public String partition(int i) {
        return partitions.get(i);
    }

    /** Never empty: generated in {@link #add} when the client gave none. */
    public String transactionId(int i) {
        return transactionIds.get(i);
    }

    public UUID messageId(int i) {
        return messageIds.get(i);
    }

    public String payload(int i) {
        return payloads.get(i);
    }

    /** The authenticated producer's {@code sub}, or null. */
    public String producer(int i) {
        return producers.get(i);
    }

    public UUID traceId(int i) {
        return traceIds.get(i);
    }

    public int size() {
        return queues.size();
    }

    public boolean isEmpty() {
        return queues.isEmpty();
    }
}
