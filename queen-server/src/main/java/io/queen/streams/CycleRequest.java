package io.queen.streams;

import io.queen.queue.PushBatch;

import java.util.List;
import java.util.UUID;

/**
 * One streams cycle as the SDKs send it (spec 3.17): state changes of one (query, source
 * partition), pushes into sink queues, and the ack of the source messages the cycle consumed.
 *
 * @param stateKeys    the keys of the state ops, in request order
 * @param stateValues  per op the value's JSON text, or null for a delete
 * @param sinkPushes   the sink items, as a push would store them (empty: none)
 * @param ack          null: nothing acknowledged (the SDKs' idle flushes)
 * @param releaseLease whether the ack ends the lease (false keeps it on the unacked rest)
 */
public record CycleRequest(UUID queryId, UUID partitionId, String consumerGroup, List<String> stateKeys,
                           List<String> stateValues, PushBatch sinkPushes, SourceAck ack, boolean releaseLease) {

    /**
     * @param leaseId null: the lease is not checked (as for acks without one)
     * @param count   how many popped messages the cycle consumed, up to and including this one
     */
    public record SourceAck(String transactionId, UUID leaseId, String status, String error, int count) {
    }
}
