package io.queen.buffer;

import io.queen.queue.PushBatch;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions that have pushes in the file buffer not yet in the database, shared by the
 * process's workers and its buffer verticle. A push to one of them goes to the buffer too, behind
 * them, so that a partition's messages reach the database in the order they were accepted; pushes
 * to every other partition go straight to the database. Counted up before a buffered push is
 * answered, down once its file is drained (or set aside as undeliverable).
 */
public final class BufferedPartitions {
    private final ConcurrentHashMap<String, Long> counts = new ConcurrentHashMap<>();

    private static String key(String queue, String partition) {
        return queue + '\u0000' + partition;
    }

    /** Whether any item of the batch goes to a partition with buffered pushes. */
    public boolean holdsAny(PushBatch batch) {
        if (counts.isEmpty()) {
            return false;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (counts.containsKey(key(batch.queue(i), batch.partition(i)))) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    void added(PushBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            counts.merge(key(batch.queue(i), batch.partition(i)), 1L, Long::sum);
        }
    }

    void removed(PushBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            remove(batch.queue(i), batch.partition(i));
        }
    }

    void added(List<BufferRecords.Event> events) {
        for (BufferRecords.Event e : events) {
            counts.merge(key(e.queue(), e.partition()), 1L, Long::sum);
        }
    }

    void removed(List<BufferRecords.Event> events) {
        for (BufferRecords.Event e : events) {
            remove(e.queue(), e.partition());
        }
    }

    private void remove(String queue, String partition) {
        counts.computeIfPresent(key(queue, partition), (k, n) -> n <= 1 ? null : n - 1);
    }
}
