package io.queen;

import io.queen.db.EmbeddedDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A team switching from the reference server keeps its database: this server starts on a
 * database the reference left (built by test SQL after spec 2.1, filled with messages, cursors,
 * an active and an abandoned lease, a consumer group, a dead letter, stale discovery rows),
 * converts it, and every pending message is then consumed exactly once per group.
 */
class ReferenceUpgradeTest {
    private static final String QUEUE = "ref-orders";

    @Test
    void aReferenceDatabaseIsTakenOverWithoutLosingOrRepeatingAMessage() throws Exception {
        Path dir = TestDirs.temp("queen-reference-upgrade");
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
        TestServer server = null;
        try {
            TestSql sql = new TestSql(db.port());
            try (Connection c = sql.connect(); Statement s = c.createStatement()) {
                s.execute(resource("reference-schema/tables.sql"));
                s.execute(resource("reference-schema/data.sql"));
            }
            server = TestServer.start(dir, TestServer.onDatabase(db.port()));
            Http http = server.http;

            // queues and their tags survive (a NULL namespace of the reference becomes '')
            Http.Response queues = http.get("/api/v1/resources/queues");
            assertEquals(200, queues.status(), queues.body());
            assertTrue(queues.body().contains(QUEUE) && queues.body().contains("ref-empty"), queues.body());

            // the active lease of the reference is honoured: its two messages are acked with its lease id
            String partition2 = partitionId(sql, "customer-2");
            JsonArray leasedAcks = new JsonArray();
            for (String txn : List.of("customer-2-02", "customer-2-03")) {
                leasedAcks.add(new JsonObject().put("transactionId", txn).put("partitionId", partition2)
                        .put("leaseId", "019a4f6e-1c2d-7a3b-8c4d-5e6f70819203").put("status", "completed"));
            }
            Http.Response acked = http.post("/api/v1/ack/batch", new JsonObject().put("acknowledgments", leasedAcks));
            assertEquals(200, acked.status(), acked.body());
            for (int i = 0; i < 2; i++) {
                assertEquals(Boolean.TRUE, acked.array().getJsonObject(i).getBoolean("success"), acked.body());
            }

            // queue mode: after each cursor, the abandoned lease's partition from its start
            assertEquals(expected(range("Default", 5, 10), range("customer-1", 1, 5), range("customer-2", 4, 4),
                    range("customer-3", 1, 3)), consumeAll(http, null));
            // a consumer group with a cursor of its own in one partition
            assertEquals(expected(range("Default", 9, 10), range("customer-1", 1, 5), range("customer-2", 1, 4),
                    range("customer-3", 1, 3)), consumeAll(http, "analytics"));

            // the dead letter and the trace are still there
            Http.Response dlq = http.get("/api/v1/dlq?queue=" + QUEUE);
            assertEquals(200, dlq.status(), dlq.body());
            assertTrue(dlq.body().contains("Default-03") && dlq.body().contains("boom"), dlq.body());
            assertEquals(1, sql.count("SELECT count(*) FROM queen.message_traces t JOIN queen.message_trace_names n"
                    + " ON n.trace_id = t.id WHERE t.transaction_id = 'Default-05' AND n.trace_name = 'order-flow'"));
            // the streams query and its open window are kept: the SDK finds them again
            Http.Response registered = http.post("/streams/v1/queries", new JsonObject().put("name", "ref-totals")
                    .put("source_queue", QUEUE).put("sink_queue", "ref-totals-out").put("config_hash", "hash-1"));
            assertEquals(200, registered.status(), registered.body());
            assertEquals("019a4f6e-0000-7000-8000-000000000001", registered.json().getString("query_id"));
            assertEquals(false, registered.json().getValue("fresh"));
            Http.Response window = http.post("/streams/v1/state/get", new JsonObject()
                    .put("query_id", "019a4f6e-0000-7000-8000-000000000001")
                    .put("partition_id", partitionId(sql, "customer-1")));
            assertEquals(200, window.status(), window.body());
            assertEquals(42, window.json().getJsonArray("rows").getJsonObject(0).getJsonObject("value")
                    .getInteger("acc"), window.body());
            // the reference's own streams functions are gone, ours answer
            assertEquals(0, sql.count("SELECT count(*) FROM pg_proc WHERE proname LIKE 'streams\\_%\\_v1'"
                    + " AND pg_get_function_arguments(oid) LIKE '%jsonb%'"));
            // the reference's statistics are kept aside, ours are new
            assertEquals(22, sql.count("SELECT total_messages FROM queen_reference_archive.stats"));
            assertEquals(7, sql.count("SELECT push_request_count FROM queen_reference_archive.worker_metrics"));

            // a restart finds a Flyway schema and leaves it alone; new traffic flows
            server.stop();
            server = null;
            long applied = sql.count("SELECT count(*) FROM queen.flyway_schema_history");
            server = TestServer.start(dir, TestServer.onDatabase(db.port()));
            assertEquals(applied, sql.count("SELECT count(*) FROM queen.flyway_schema_history"));
            new QueueClient(server.http).push(QUEUE, "customer-1", "customer-1-06", new JsonObject().put("n", 6));
            assertEquals(Set.of("customer-1-06"), consumeAll(server.http, null));
        } finally {
            TestServer.stop(server, db);
        }
    }

    /** Pops the queue (wildcard) until it is empty, acking each batch; fails on a duplicate. */
    private static Set<String> consumeAll(Http http, String group) {
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 50; round++) {
            Http.Response popped = http.get("/api/v1/pop/queue/" + QUEUE + "?batch=4"
                    + (group == null ? "" : "&consumerGroup=" + group));
            if (popped.status() == 204) {
                return seen;
            }
            assertEquals(200, popped.status(), popped.body());
            JsonArray messages = popped.json().getJsonArray("messages");
            for (String txn : QueueClient.transactionIds(popped)) {
                assertTrue(seen.add(txn), "delivered twice: " + txn);
            }
            QueueClient.ackAll(http, messages, group);
        }
        throw new AssertionError("the queue never ran empty; seen " + seen);
    }

    private static Set<String> expected(List<String>... parts) {
        Set<String> all = new HashSet<>();
        Stream.of(parts).forEach(all::addAll);
        return all;
    }

    private static List<String> range(String partition, int from, int to) {
        List<String> ids = new ArrayList<>();
        IntStream.rangeClosed(from, to).forEach(n -> ids.add(partition + "-" + String.format("%02d", n)));
        return ids;
    }

    private static String partitionId(TestSql sql, String name) throws Exception {
        try (Connection c = sql.connect(); Statement s = c.createStatement();
             var rows = s.executeQuery("SELECT id FROM queen.partitions WHERE name = '" + name + "'")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = ReferenceUpgradeTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
