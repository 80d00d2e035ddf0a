package io.queen.buffer;

import io.queen.queue.PushBatch;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * A worker's handle on the process's file buffer. The records are encoded here, on the
 * worker's event loop; the buffer's own worker thread only writes and syncs them.
 */
public final class FileBufferClient {
    static final String APPEND = "queen.buffer.append";
    static final String STATS = "queen.buffer.stats";
    static final String EVENTS = "events";

    private final EventBus bus;
    private final BufferedPartitions partitions;

    public FileBufferClient(EventBus bus, BufferedPartitions partitions) {
        this.partitions = partitions;
        this.bus = bus;
    }

    /** Completes once the items are on disk (written and synced), fails if they are not. */
    public Future<Void> append(PushBatch batch) {
        Buffer records = BufferRecords.encode(batch);
        // counted before the push is answered: a later push to these partitions queues behind it
        partitions.added(batch);
        return bus.request(APPEND, records, new DeliveryOptions()
                        .addHeader(EVENTS, Integer.toString(batch.size()))
                        .setSendTimeout(60_000))
                .onFailure(e -> partitions.removed(batch))
                .mapEmpty();
    }

    /** Whether the batch goes to a partition whose earlier pushes still wait in the buffer. */
    public boolean holdsEarlierPushes(PushBatch batch) {
        return partitions.holdsAny(batch);
    }

    /** {@code {pendingCount, failedCount, failedBytes, dbHealthy, bufferHealthy}} */
    public Future<JsonObject> stats() {
        return bus.<JsonObject>request(STATS, null).map(msg -> msg.body());
    }
}
