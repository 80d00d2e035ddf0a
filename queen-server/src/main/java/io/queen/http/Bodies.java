package io.queen.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Typed access to small JSON request bodies and query parameters, failing with a 400. */
final class Bodies {
    private Bodies() {
    }

    /**
     * The parser's description of a JSON problem, for the client: without the parser's own
     * option names (`StreamReadConstraints...`, "enable `JsonReadFeature...`"), its source
     * location block, and at most 200 characters (it may quote the input).
     */
    static String jsonProblem(String message) {
        String m = message == null ? "" : message.replace("Failed to decode:", "");
        int cut = m.indexOf('\n');
        m = cut >= 0 ? m.substring(0, cut) : m;
        cut = m.indexOf(" at [Source");
        m = cut >= 0 ? m.substring(0, cut) : m;
        m = m.replaceAll("\\s*\\([^()`]*`[^`]*`[^()]*\\)", "")
                .replaceAll(":?\\s*enable `[^`]*` to allow", "")
                .replaceAll("`[^`]*`", "")
                .trim();
        if (m.isEmpty()) {
            return "malformed";
        }
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    /**
     * The body as text. JSON is UTF-8 (RFC 8259), whatever charset the Content-Type names: an
     * unknown one must not fail the request, a wrong one must not garble it.
     */
    static String text(RoutingContext ctx) {
        return ctx.body() == null || ctx.body().buffer() == null ? null
                : ctx.body().buffer().toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    static JsonObject object(RoutingContext ctx) {
        String text = text(ctx);
        if (text == null || text.isBlank()) {
            throw ApiError.badRequest("Empty request body");
        }
        Object parsed;
        try {
            parsed = io.vertx.core.json.Json.decodeValue(text);
        } catch (DecodeException e) {
            throw ApiError.badRequest("Invalid JSON: " + jsonProblem(e.getMessage()));
        }
        if (!(parsed instanceof JsonObject)) {
            throw ApiError.badRequest("Request body must be a JSON object");
        }
        return (JsonObject) parsed;
    }

    /** Like {@link #object} but an absent body is an empty object. */
    static JsonObject optionalObject(RoutingContext ctx) {
        String text = text(ctx);
        return text == null || text.isBlank() ? new JsonObject() : object(ctx);
    }

    /** A string field that may be absent or null; any other type is an error. */
    static String optionalString(JsonObject body, String field) {
        return string(body.getValue(field), field);
    }

    /**
     * A field's value that must be a string or null, however it was read: from a tree, or by a
     * streaming reader that stands any other JSON type in with some other object.
     */
    static String string(Object value, String field) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw ApiError.badRequest(field + " must be a string");
        }
        return (String) value;
    }

    static JsonArray array(JsonObject body, String field, String message) {
        Object value = body.getValue(field);
        if (!(value instanceof JsonArray)) {
            throw ApiError.badRequest(message);
        }
        return (JsonArray) value;
    }

    static int integer(JsonObject body, String field, int fallback) {
        Object value = body.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number) || ((Number) value).doubleValue() != Math.rint(((Number) value).doubleValue())) {
            throw ApiError.badRequest(field + " must be an integer");
        }
        long v = ((Number) value).longValue();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw ApiError.badRequest(field + " is out of range");
        }
        return (int) v;
    }

    static boolean bool(JsonObject body, String field, boolean fallback) {
        Object value = body.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean)) {
            throw ApiError.badRequest(field + " must be a boolean");
        }
        return (Boolean) value;
    }

    /** Query integer: absent → fallback; non-numeric or below {@code min} → 400. */
    static int queryInt(RoutingContext ctx, String name, int fallback, int min) {
        String raw = ctx.request().getParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be an integer, got '" + raw + "'");
        }
        if (value < min) {
            throw ApiError.badRequest(name + " must be at least " + min + ", got " + value);
        }
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    /** Query boolean: true only for {@code true} or {@code 1}, as in the reference. */
    static boolean queryBool(RoutingContext ctx, String name, boolean fallback) {
        String raw = ctx.request().getParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        return raw.equals("true") || raw.equals("1");
    }

    /** ISO-8601 with or without offset (UTC assumed); null when unparsable. */
    static OffsetDateTime timestamp(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            // fall through
        }
        try {
            return Instant.parse(text).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // fall through
        }
        try {
            return LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static OffsetDateTime requiredTimestamp(String text, String field) {
        OffsetDateTime parsed = timestamp(text);
        if (parsed == null) {
            throw ApiError.badRequest(field + " must be an ISO-8601 timestamp, got '" + text + "'");
        }
        return parsed;
    }

    /** Largest page any listing hands out, so one request cannot pull a whole table. */
    private static final int MAX_LIMIT = 10_000;

    /** A query parameter; absent or empty means "no filter". */
    static String query(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** Whether the request has any of these query parameters (e.g. a listing asked for paging). */
    static boolean anyQuery(RoutingContext ctx, String... names) {
        for (String name : names) {
            if (ctx.request().params().contains(name)) {
                return true;
            }
        }
        return false;
    }

    static OffsetDateTime queryTimestamp(RoutingContext ctx, String name, OffsetDateTime fallback) {
        String raw = query(ctx, name);
        return raw == null ? fallback : requiredTimestamp(raw, name);
    }

    /** A listing's {@code limit}, at most {@value #MAX_LIMIT}. */
    static int queryLimit(RoutingContext ctx, int fallback) {
        int limit = queryInt(ctx, "limit", fallback, 1);
        if (limit > MAX_LIMIT) {
            throw ApiError.badRequest("limit must be at most " + MAX_LIMIT + ", got " + limit);
        }
        return limit;
    }

}
