package io.queen.queue;

import java.util.List;

/**
 * Messages handed out by one pop attempt, or none with the reason (for example
 * {@code no_available_partition}, {@code lease_held}, {@code window_buffer}).
 */
public record PopOutcome(String reason, List<PoppedMessage> messages) {
    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public int partitionsClaimed() {
        return (int) messages.stream().map(PoppedMessage::partitionId).distinct().count();
    }
}
