package io.queen.http;

import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The {@code from}/{@code to} window of the status and analytics endpoints (spec 3.12) and
 * its bucket size: 1, 5, 15, 60 or 360 minutes for windows up to 1 h, 6 h, 24 h, 7 d, longer.
 * A missing bound defaults to now ({@code to}) or to one default length before {@code to}.
 */
public record TimeWindow(OffsetDateTime from, OffsetDateTime to, int bucketMinutes) {

    public static final Duration LAST_HOUR = Duration.ofHours(1);
    /**
     * Most buckets a window may span. The time series answer one row per bucket (built in
     * memory on both sides), so a window over centuries would exhaust the heap; this allows
     * close to seven years at the largest bucket size.
     */
    static final long MAX_BUCKETS = 10_000;
    /**
     * Bounds PostgreSQL can compare and step through: the client sends a timestamp outside
     * its range as infinity, and a series of buckets up to infinity never ends.
     */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC);

    /** The window of a request; an unreadable timestamp or to &lt; from is a 400. */
    public static TimeWindow of(RoutingContext ctx, Duration defaultLength) {
        return parse(ctx.request().getParam("from"), ctx.request().getParam("to"), defaultLength,
                OffsetDateTime.now(ZoneOffset.UTC));
    }

    static TimeWindow parse(String fromText, String toText, Duration defaultLength, OffsetDateTime now) {
        OffsetDateTime to = bound(toText, "to");
        OffsetDateTime from = bound(fromText, "from");
        if (to == null) {
            to = now;
        }
        if (from == null) {
            from = to.minus(defaultLength);
        }
        if (to.isBefore(from)) {
            throw ApiError.badRequest("'to' must not be before 'from'");
        }
        Duration length = Duration.between(from, to);
        int bucketMinutes = bucketMinutes(length);
        if (length.toMinutes() / bucketMinutes >= MAX_BUCKETS) {
            throw ApiError.badRequest("Window too long: at most " + MAX_BUCKETS + " buckets of " + bucketMinutes
                    + " minutes between 'from' and 'to'");
        }
        return new TimeWindow(from, to, bucketMinutes);
    }

    private static OffsetDateTime bound(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        OffsetDateTime parsed = Bodies.timestamp(text);
        if (parsed == null) {
            throw ApiError.badRequest("Invalid '" + name + "' timestamp: " + text);
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw ApiError.badRequest("'" + name + "' must be between years 1 and 9999: " + text);
        }
        return parsed;
    }

    public static int bucketMinutes(Duration window) {
        if (window.compareTo(Duration.ofHours(1)) <= 0) {
            return 1;
        }
        if (window.compareTo(Duration.ofHours(6)) <= 0) {
            return 5;
        }
        if (window.compareTo(Duration.ofHours(24)) <= 0) {
            return 15;
        }
        if (window.compareTo(Duration.ofDays(7)) <= 0) {
            return 60;
        }
        return 360;
    }

    /** Seconds in one bucket, the divisor of the per-second rates. */
    public double bucketSeconds() {
        return bucketMinutes * 60.0;
    }

    /** {"timeRange": {"from", "to"}, "bucketMinutes": n} opening a response object. */
    public JsonOut writeHeader(JsonOut out) {
        return out.name("timeRange").beginObject()
                .field("from", JsonOut.millis(from)).field("to", JsonOut.millis(to)).endObject()
                .field("bucketMinutes", bucketMinutes);
    }
}
