package io.queen.auth;

import io.vertx.core.http.HttpMethod;

/**
 * The access level of every route, in one place (spec 3.20, plus this server's own routes).
 * A path matched by no rule needs ADMIN: a route added later is closed until it is listed here.
 */
public final class AccessPolicy {
    private AccessPolicy() {
    }

    public static AccessLevel levelOf(HttpMethod method, String path) {
        if (method == HttpMethod.OPTIONS) {
            return AccessLevel.PUBLIC; // CORS preflights carry no credentials
        }
        if (path.equals("/health") || path.equals("/metrics") || path.equals("/metrics/prometheus")) {
            return AccessLevel.PUBLIC;
        }
        boolean get = method == HttpMethod.GET || method == HttpMethod.HEAD;
        boolean post = method == HttpMethod.POST;

        if (path.startsWith("/internal/") || path.startsWith("/api/v1/system/") || path.equals("/api/v1/system")
                || path.startsWith("/api/v1/migration")) {
            return AccessLevel.ADMIN;
        }
        if (path.equals("/api/v1/stats/refresh")) {
            return AccessLevel.ADMIN;
        }
        if (under(path, "/api/v1/resources")) {
            return get ? AccessLevel.READ_ONLY : AccessLevel.ADMIN; // DELETE of a queue
        }
        if (under(path, "/api/v1/consumer-groups")) {
            if (get) {
                return AccessLevel.READ_ONLY;
            }
            // subscription changes and seeks are a consumer's business; deleting a group is not
            return post ? AccessLevel.READ_WRITE : AccessLevel.ADMIN;
        }
        if (under(path, "/api/v1/messages")) {
            // reading is RO; delete, retry and move-to-DLQ act on one message, like a consumer
            return get ? AccessLevel.READ_ONLY : AccessLevel.READ_WRITE;
        }
        if (under(path, "/api/v1/traces")) {
            return get ? AccessLevel.READ_ONLY : AccessLevel.READ_WRITE;
        }
        if (get && (under(path, "/api/v1/dlq") || under(path, "/api/v1/status") || under(path, "/api/v1/analytics"))) {
            return AccessLevel.READ_ONLY;
        }
        if (get && path.equals("/api/v1/access")) {
            return AccessLevel.PUBLIC; // says whether a token is needed; it checks the token itself
        }
        if (get && io.queen.http.DashboardRoutes.serves(path)) {
            return AccessLevel.PUBLIC; // the dashboard's files (spec 3.18); its data comes from the API
        }
        if (get && under(path, "/api/v1/streams")) {
            return AccessLevel.READ_ONLY; // what streams run: the operators' view
        }
        if (post && path.equals("/streams/v1/state/get")) {
            return AccessLevel.READ_ONLY; // a read, sent as a POST for its body
        }
        if (post && (path.equals("/streams/v1/queries") || path.equals("/streams/v1/cycle"))) {
            return AccessLevel.READ_WRITE;
        }
        if ((post && (path.equals("/api/v1/configure") || path.equals("/api/v1/push")
                || under(path, "/api/v1/ack") || path.equals("/api/v1/transaction") || under(path, "/api/v1/lease")))
                || (get && under(path, "/api/v1/pop"))) {
            return AccessLevel.READ_WRITE;
        }
        return AccessLevel.ADMIN;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
