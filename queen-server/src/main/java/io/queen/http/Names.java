package io.queen.http;

import java.util.Set;

/**
 * Limits on the names and ids clients choose, checked at the edge. Longer values used to reach
 * PostgreSQL and come back as a 500 with its own text ("index row requires ... bytes"); an
 * empty queue name created a queue no pop path can name. The limits keep every indexed value
 * well inside a btree entry, even at four bytes per character.
 */
final class Names {
    /** Queue, partition, consumer group, namespace and task names. */
    static final int MAX_NAME = 255;
    /** Transaction ids (unique per partition, so indexed). */
    static final int MAX_TRANSACTION_ID = 512;
    /** What an ack may report (spec 3.5). */
    static final Set<String> ACK_STATUSES = Set.of("completed", "success", "failed", "dlq", "retry");
    /** Accepted subscriptionMode values ("" and those the reference's clients send). */
    static final Set<String> SUBSCRIPTION_MODES = Set.of("", "all", "new", "new-only", "from_beginning");

    private Names() {
    }

    /** A queue name: 1 to MAX_NAME characters. */
    static String queue(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiError.badRequest("Queue name must not be empty");
        }
        return limited(name, "Queue name", MAX_NAME);
    }

    /** A partition, consumer group, namespace or task name (null passes: not given). */
    static String name(String value, String what) {
        return value == null ? null : limited(value, what, MAX_NAME);
    }

    static String transactionId(String value) {
        return value == null ? null : limited(value, "transactionId", MAX_TRANSACTION_ID);
    }

    static String ackStatus(String status) {
        if (status != null && !ACK_STATUSES.contains(status)) {
            throw ApiError.badRequest("status must be one of completed, success, failed, dlq, retry; got "
                    + shown(status));
        }
        return status;
    }

    /** A pop's subscriptionMode: "" or a value the reference's clients send. */
    static String subscriptionMode(String mode) {
        if (mode != null && !SUBSCRIPTION_MODES.contains(mode)) {
            throw ApiError.badRequest("subscriptionMode must be one of all, new, new-only, from_beginning; got "
                    + shown(mode));
        }
        return mode;
    }

    /** A rejected value quoted in an error, cut short: errors never echo a huge input. */
    private static String shown(String value) {
        return "'" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'";
    }

    private static String limited(String value, String what, int max) {
        if (value.length() > max) {
            throw ApiError.badRequest(what + " is too long: " + value.length() + " characters, at most " + max);
        }
        return value;
    }
}
