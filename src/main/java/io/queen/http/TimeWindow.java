package io.queen.http;

import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The from/to window of a dashboard query (ISO-8601 parameters, 400 when unparsable or
 * reversed; {@code to} defaults to now, {@code from} to a default length before it) and the
 * bucket size the reference uses for it: 1, 5, 15, 60 or 360 minutes for windows up to
 * 1 h, 6 h, 24 h, 7 days, longer.
 */
record TimeWindow(OffsetDateTime from, OffsetDateTime to) {

    static TimeWindow of(RoutingContext ctx, Duration defaultLength) {
        OffsetDateTime to = InspectionRoutes.timestampParam(ctx, "to", OffsetDateTime.now(ZoneOffset.UTC));
        OffsetDateTime from = InspectionRoutes.timestampParam(ctx, "from", to.minus(defaultLength));
        if (from.isAfter(to)) {
            throw ApiError.badRequest("from must not be after to");
        }
        return new TimeWindow(from, to);
    }

    int bucketMinutes() {
        Duration length = Duration.between(from, to);
        if (length.compareTo(Duration.ofHours(1)) <= 0) {
            return 1;
        } else if (length.compareTo(Duration.ofHours(6)) <= 0) {
            return 5;
        } else if (length.compareTo(Duration.ofHours(24)) <= 0) {
            return 15;
        } else if (length.compareTo(Duration.ofDays(7)) <= 0) {
            return 60;
        }
        return 360;
    }
}
