package io.queen.queue;

/** One operation of POST /api/v1/transaction, after flattening. */
public sealed interface TransactionOp {

    /** A single message; its batch holds exactly one item. */
    record Push(PushBatch batch) implements TransactionOp {
    }

    record Ack(AckItem item, String consumerGroup) implements TransactionOp {
    }
}
