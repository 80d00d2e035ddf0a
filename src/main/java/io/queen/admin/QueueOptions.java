package io.queen.admin;

/** Every configurable queue option, with the reference's defaults (spec 1.2). */
public record QueueOptions(int leaseTime, int maxSize, int ttl, int retryLimit, int retryDelay,
                           boolean deadLetterQueue, boolean dlqAfterMaxRetries, int priority,
                           int delayedProcessing, int windowBuffer, int retentionSeconds,
                           int completedRetentionSeconds, boolean retentionEnabled, boolean encryptionEnabled,
                           int maxWaitTimeSeconds) {

    public static final QueueOptions DEFAULTS =
            new QueueOptions(300, 0, 3600, 3, 1000, false, false, 0, 0, 0, 0, 0, false, false, 0);
}
