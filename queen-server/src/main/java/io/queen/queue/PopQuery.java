package io.queen.queue;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One pop attempt.
 *
 * @param partition     null: any partition of the queue
 * @param subscription  "new" or "timestamp" when a new group should not start at the
 *                      beginning, else null
 * @param subscribeFrom the start instant for "timestamp"
 */
public record PopQuery(String queue, String partition, String consumerGroup, int batch, UUID leaseId,
                       int maxPartitions, boolean autoAck, String subscription, OffsetDateTime subscribeFrom) {
}
