package io.queen.admin;

/**
 * Every configurable queue option (spec 1.2), as stored. The defaults are the column defaults
 * of {@code queen.queues} (migration V001), used alike by configure and by a push that creates
 * a queue; they are not repeated here.
 */
public record QueueOptions(int leaseTime, int maxSize, int ttl, int retryLimit, int retryDelay,
                           boolean deadLetterQueue, boolean dlqAfterMaxRetries, int priority,
                           int delayedProcessing, int windowBuffer, int retentionSeconds,
                           int completedRetentionSeconds, boolean retentionEnabled, boolean encryptionEnabled,
                           int maxWaitTimeSeconds) {

    /** The options a configure request gave; null: reset to the default. */
    public record Requested(Integer leaseTime, Integer maxSize, Integer ttl, Integer retryLimit, Integer retryDelay,
                            Boolean deadLetterQueue, Boolean dlqAfterMaxRetries, Integer priority,
                            Integer delayedProcessing, Integer windowBuffer, Integer retentionSeconds,
                            Integer completedRetentionSeconds, Boolean retentionEnabled, Boolean encryptionEnabled,
                            Integer maxWaitTimeSeconds) {
    }
}
