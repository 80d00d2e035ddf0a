package io.queen.queue;

import java.time.OffsetDateTime;

/**
 * Consumer-group rules shared by pops, acks, traces and operator actions: the reserved group of
 * plain queue consumption, and where a named group without a position starts (spec 1.10).
 */
public final class ConsumerGroups {
    /** The group of consumers that name none: each message once, across all of them. */
    public static final String QUEUE_MODE = "__QUEUE_MODE__";

    private ConsumerGroups() {
    }

    /** The group a request names, or queue mode when it names none. */
    public static String orQueueMode(String group) {
        return group == null || group.isEmpty() ? QUEUE_MODE : group;
    }

    /**
     * Where a group that has no position yet starts: {@code subscription} "timestamp" (from
     * {@code from}), "new" (the present) or null (the beginning). Queue mode always reads
     * everything.
     */
    public record Start(String subscription, OffsetDateTime from) {
        static final Start BEGINNING = new Start(null, null);

        /**
         * @param mode     the request's subscriptionMode, or the server's default (validated)
         * @param fromText the request's subscriptionFrom: "now", a timestamp, or empty
         * @param from     {@code fromText} read as a timestamp, null when it is none
         */
        public static Start of(String group, String mode, String fromText, OffsetDateTime from) {
            if (QUEUE_MODE.equals(group)) {
                return BEGINNING;
            }
            if (from != null) {
                return new Start("timestamp", from);
            }
            // "new-only" is honoured as "new"
            if ("now".equals(fromText) || "new".equals(mode) || "new-only".equals(mode)) {
                return new Start("new", null);
            }
            return BEGINNING;
        }
    }
}
