package io.queen.auth;

import java.util.Set;

/** Who sent a request, as its verified token says. */
public record Identity(String subject, Set<AccessLevel.Role> roles) {
    private static final String KEY = "queen.identity";

    /** The token's non-empty {@code sub}, or null (no auth, or a token without one). */
    public static String subjectOf(io.vertx.ext.web.RoutingContext ctx) {
        Identity identity = ctx.get(KEY);
        return identity == null || identity.subject() == null || identity.subject().isEmpty() ? null : identity.subject();
    }

    void attachTo(io.vertx.ext.web.RoutingContext ctx) {
        ctx.put(KEY, this);
    }
}
