package io.queen.http;

import java.util.UUID;
import java.util.regex.Pattern;

/** Strict UUID parsing for request fields: a malformed id is the client's error (400). */
final class Uuids {
    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Uuids() {
    }

    static UUID parse(String text, String field) {
        if (text == null || !CANONICAL.matcher(text).matches()) {
            throw ApiError.badRequest(field + " must be a valid UUID, got '" + text + "'");
        }
        return UUID.fromString(text);
    }

    /** null or "" mean "not given". */
    static UUID optional(String text, String field) {
        return text == null || text.isEmpty() ? null : parse(text, field);
    }
}
