package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random and adversarial requests at every route (seeded, so a failure can be replayed, and
 * bounded): path segments, query strings, headers and bodies drawn from values that break
 * parsers and databases (huge, empty, control characters, wrong JSON types, deep nesting,
 * numbers out of range, SQL and format strings). Every answer must be below 500 and arrive
 * within the client's timeout; afterwards the server is healthy and every message pushed
 * before the storm is still there. Runs on a database of its own: the storm may switch
 * maintenance modes or delete groups.
 */
class HostileFuzzTest {
    /** -Dqueen.fuzz.seed=N -Dqueen.fuzz.requests=M replay or widen a run. */
    private static final long SEED = Long.getLong("queen.fuzz.seed", 20261202L);
    private static final int REQUESTS = Integer.getInteger("queen.fuzz.requests", 1500);

    private static final String[][] ROUTES = {
            {"GET", "/api/v1/pop/queue/{q}"}, {"GET", "/api/v1/pop/queue/{q}/partition/{p}"},
            {"POST", "/api/v1/push"}, {"POST", "/api/v1/ack"}, {"POST", "/api/v1/ack/batch"},
            {"POST", "/api/v1/transaction"}, {"POST", "/api/v1/configure"}, {"POST", "/api/v1/lease/{id}/extend"},
            {"POST", "/streams/v1/queries"}, {"POST", "/streams/v1/cycle"}, {"POST", "/streams/v1/state/get"},
            {"GET", "/api/v1/streams/queries"}, {"GET", "/api/v1/streams/queries/{q}"},
            {"GET", "/api/v1/messages"}, {"GET", "/api/v1/messages/{id}/{t}"}, {"DELETE", "/api/v1/messages/{id}/{t}"},
            {"POST", "/api/v1/messages/{id}/{t}/dlq"}, {"POST", "/api/v1/messages/{id}/{t}/retry"},
            {"GET", "/api/v1/dlq"}, {"GET", "/api/v1/resources/queues"}, {"GET", "/api/v1/resources/queues/{q}"},
            {"DELETE", "/api/v1/resources/queues/{q}"}, {"GET", "/api/v1/resources/overview"},
            {"GET", "/api/v1/resources/namespaces"}, {"GET", "/api/v1/resources/tasks"},
            {"GET", "/api/v1/consumer-groups"}, {"GET", "/api/v1/consumer-groups/{g}"},
            {"GET", "/api/v1/consumer-groups/lagging"}, {"DELETE", "/api/v1/consumer-groups/{g}"},
            {"DELETE", "/api/v1/consumer-groups/{g}/queues/{q}"},
            {"POST", "/api/v1/consumer-groups/{g}/queues/{q}/seek"},
            {"POST", "/api/v1/consumer-groups/{g}/queues/{q}/partitions/{p}/seek"},
            {"POST", "/api/v1/consumer-groups/{g}/subscription"}, {"GET", "/api/v1/status"},
            {"GET", "/api/v1/status/queues"}, {"GET", "/api/v1/status/queues/{q}"},
            {"GET", "/api/v1/status/queues/{q}/messages"}, {"GET", "/api/v1/status/analytics"},
            {"GET", "/api/v1/status/buffers"}, {"GET", "/api/v1/analytics/queue-ops"},
            {"GET", "/api/v1/analytics/queue-lag"}, {"GET", "/api/v1/analytics/worker-metrics"},
            {"GET", "/api/v1/analytics/system-metrics"}, {"GET", "/api/v1/analytics/retention"},
            {"GET", "/api/v1/analytics/postgres-stats"}, {"GET", "/api/v1/analytics/queue-parked-replicas"},
            {"POST", "/api/v1/traces"}, {"GET", "/api/v1/traces/{id}/{t}"}, {"GET", "/api/v1/traces/by-name/{t}"},
            {"GET", "/api/v1/traces/names"}, {"GET", "/api/v1/system/maintenance"},
            {"POST", "/api/v1/system/maintenance"}, {"POST", "/api/v1/system/maintenance/pop"},
            {"GET", "/api/v1/system/shared-state"}, {"POST", "/api/v1/stats/refresh"},
            {"DELETE", "/api/v1/queues/{q}/clear"},
            {"POST", "/internal/api/notify"}, {"GET", "/health"}, {"GET", "/metrics"},
            {"GET", "/metrics/prometheus"}, {"PUT", "/api/v1/push"}, {"PATCH", "/api/v1/configure"},
    };
    private static final String[] QUERY_NAMES = {"batch", "wait", "timeout", "partitions", "autoAck", "consumerGroup",
            "subscriptionMode", "subscriptionFrom", "queue", "from", "to", "limit", "offset", "status", "partition",
            "namespace", "task", "minLagSeconds", "interval", "bucketMinutes", "search", "sort"};
    private static final String[] FIELDS = {"items", "queue", "partition", "payload", "transactionId", "traceId",
            "partitionId", "leaseId", "status", "error", "consumerGroup", "acknowledgments", "operations", "type",
            "options", "namespace", "task", "toEnd", "timestamp", "subscriptionTimestamp", "seconds", "enabled",
            "data", "traceNames", "messageId", "producerSub", "leaseTime", "retryLimit", "encryptionEnabled",
            "name", "source_queue", "sink_queue", "config_hash", "reset", "query_id", "partition_id",
            "consumer_group", "state_ops", "push_items", "ack", "release_lease", "keys", "key_prefix",
            "ripe_at_or_before", "key", "value", "count"};

    /** Vert.x's limit on the request line (HttpServerOptions default). */
    private static final int MAX_REQUEST_LINE = 4096;

    private static ServerOnOwnDatabase own;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-fuzz");
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void noRequestGetsA5xxOrHangsAndNothingPushedIsLost() throws Exception {
        String keep = "keep-" + java.util.UUID.randomUUID();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            kept.add("k" + i);
        }
        new QueueClient(own.server.http).pushMany(keep, "p", kept);

        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS && failures.size() < 5; i++) {
            String[] route = ROUTES[random.nextInt(ROUTES.length)];
            String path = fill(route[1], random) + query(random);
            String body = random.nextInt(5) == 0 ? null : body(random);
            HttpRequest.Builder request;
            try {
                request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.server.port + path))
                        .timeout(Duration.ofSeconds(20));
            } catch (IllegalArgumentException notAUri) {
                continue; // the client refuses to send it; nothing reached the server
            }
            request.method(route[0], body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            if (random.nextBoolean()) {
                request.header("Content-Type", random.nextBoolean() ? "application/json" : "text/plain; charset=x");
            }
            HttpResponse<String> response;
            try {
                response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                failures.add("#" + i + " hung: " + route[0] + " " + shorten(path));
                continue;
            } catch (java.io.IOException e) {
                // a request line over the limit is answered 414 and the connection closed; a
                // client still sending its body may see the close before the answer
                if (path.length() <= MAX_REQUEST_LINE) {
                    failures.add("#" + i + " connection failed (" + e + "): " + route[0] + " " + shorten(path));
                }
                continue;
            }
            if (response.statusCode() >= 500) {
                failures.add("#" + i + " " + response.statusCode() + " " + route[0] + " " + shorten(path) + " body "
                        + shorten(String.valueOf(body)) + " -> " + shorten(response.body()));
            }
        }
        // maintenance switched on by the storm is switched off again before checking the queue
        own.server.http.post("/api/v1/system/maintenance", new JsonObject().put("enabled", false));
        own.server.http.post("/api/v1/system/maintenance/pop", new JsonObject().put("enabled", false));
        assertTrue(failures.isEmpty(), "seed " + SEED + ": " + String.join("\n", failures));
        assertEquals(200, own.server.http.get("/health").status());
        assertEquals(kept, new QueueClient(own.server.http).popTransactionIds(keep, null, 100, true));
    }

    private static String fill(String template, Random random) {
        StringBuilder out = new StringBuilder();
        for (String part : template.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            out.append('/').append(part.startsWith("{") ? URLEncoder.encode(nasty(random), StandardCharsets.UTF_8)
                    .replace("+", "%20") : part);
        }
        return out.toString();
    }

    private static String query(Random random) {
        int n = random.nextInt(4);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? '?' : '&').append(QUERY_NAMES[random.nextInt(QUERY_NAMES.length)]).append('=')
                    .append(URLEncoder.encode(nasty(random), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /** A JSON body (mostly objects with known field names holding any value), or not JSON at all. */
    private static String body(Random random) {
        switch (random.nextInt(8)) {
            case 0:
                return nasty(random);
            case 1:
                return "[".repeat(1 + random.nextInt(3000));
            default:
                return value(random, 0, true).toString();
        }
    }

    private static Object value(Random random, int depth, boolean object) {
        if (object || (depth < 4 && random.nextInt(4) == 0)) {
            JsonObject o = new JsonObject();
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                o.put(random.nextInt(5) == 0 ? nasty(random) : FIELDS[random.nextInt(FIELDS.length)],
                        value(random, depth + 1, false));
            }
            return o;
        }
        if (depth < 4 && random.nextInt(5) == 0) {
            JsonArray a = new JsonArray();
            int n = random.nextInt(4);
            for (int i = 0; i < n; i++) {
                a.add(value(random, depth + 1, random.nextInt(3) == 0));
            }
            return a;
        }
        switch (random.nextInt(8)) {
            case 0: return random.nextLong();
            case 1: return random.nextDouble() * Math.pow(10, random.nextInt(300));
            case 2: return random.nextBoolean();
            case 3: return null;
            case 4: return -random.nextInt(1000);
            default: return nasty(random);
        }
    }

    /** Strings that break things: empty, huge, control characters, SQL, formats, odd unicode. */
    private static String nasty(Random random) {
        switch (random.nextInt(14)) {
            case 0: return "";
            case 1: return "x".repeat(1 + random.nextInt(100_000));
            case 2: return "\u0000";
            case 3: return "'; DROP TABLE queen.messages; --";
            case 4: return "%s%n%d{}${jndi:ldap://x}";
            case 5: return "00000000-0000-0000-0000-000000000000";
            case 6: return java.util.UUID.randomUUID().toString();
            case 7: return "9".repeat(1 + random.nextInt(40));
            case 8: return "-1";
            case 9: return "2026-13-45T99:99:99Z";
            case 10: return "\uD83D\uDE00\u202E\uFEFF";
            case 11: return "\uD800";
            case 12: return "../../etc/passwd";
            default: return "q" + random.nextInt(5);
        }
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + ")" : s;
    }
}
