package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What a push leaves in the database, read there: one row per (partition, transaction id) for
 * a batch spread over queues and partitions with repeats in it, each partition's newest message
 * in the lookup, and no message left without its partition when a queue is deleted while a
 * push into it is still running (messages have no foreign key to partitions; the push's lock
 * and the deletion's own delete of messages keep them consistent).
 */
class PushStorageTest {
    private static ServerOnOwnDatabase env;

    @BeforeAll
    static void start() throws Exception {
        env = ServerOnOwnDatabase.start("queen-push-storage");
        env.stallPushesOnRequest();
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    private static JsonObject item(String queue, String partition, String txn, int n) {
        JsonObject item = new JsonObject().put("queue", queue).put("partition", partition)
                .put("payload", new JsonObject().put("n", n));
        return txn == null ? item : item.put("transactionId", txn);
    }

    @Test
    void aBatchOverQueuesAndPartitionsStoresEachTransactionOnceAndAnswersEveryItem() {
        String q1 = "storage-" + UUID.randomUUID();
        String q2 = "storage-" + UUID.randomUUID();
        Http http = env.server.http;
        http.post("/api/v1/push", new JsonObject().put("items", new JsonArray().add(item(q1, "p2", "stored-before", 0))));

        JsonArray items = new JsonArray()
                .add(item(q1, "p1", "t1", 1))
                .add(item(q1, "p2", "t1", 2))             // same id, another partition: stored
                .add(item(q1, "p1", "t1", 3))             // repeat inside the batch
                .add(item(q2, "p1", "t1", 4))             // same names, another queue: stored
                .add(item(q1, "p2", "stored-before", 5))  // repeat of an earlier push
                .add(item(q1, "p1", null, 6))             // no id: one is generated
                .add(item(q1, "p1", "t7", 7));
        Http.Response r = http.post("/api/v1/push", new JsonObject().put("items", items));
        assertEquals(201, r.status(), r.body());
        JsonArray results = new JsonArray(r.body());
        assertEquals(7, results.size());
        String[] statuses = new String[7];
        for (int i = 0; i < 7; i++) {
            assertEquals(i, results.getJsonObject(i).getInteger("index"));
            statuses[i] = results.getJsonObject(i).getString("status");
        }
        assertEquals("queued,queued,duplicate,queued,duplicate,queued,queued", String.join(",", statuses));
        JsonObject first = results.getJsonObject(0);
        assertEquals(first.getString("message_id"), results.getJsonObject(2).getString("message_id"),
                "a repeat answers the id stored for its transaction");
        assertEquals(first.getString("partition_id"), results.getJsonObject(5).getString("partition_id"));
        assertEquals(first.getString("partition_id"), results.getJsonObject(6).getString("partition_id"));
        assertNotEquals(first.getString("partition_id"), results.getJsonObject(1).getString("partition_id"));
        assertNotEquals(first.getString("partition_id"), results.getJsonObject(3).getString("partition_id"));
        assertEquals(env.sql.text("SELECT id::text FROM queen.messages WHERE transaction_id = 'stored-before'"),
                results.getJsonObject(4).getString("message_id"));

        assertEquals(3, rows(q1, "p1"));
        assertEquals(2, rows(q1, "p2"));
        assertEquals(1, rows(q2, "p1"));
        assertEquals(results.getJsonObject(6).getString("message_id"), newest(q1, "p1"),
                "the lookup points at the partition's newest message");
        assertEquals(results.getJsonObject(1).getString("message_id"), newest(q1, "p2"));
        assertEquals(results.getJsonObject(3).getString("message_id"), newest(q2, "p1"));
    }

    @Test
    void deletingAQueueWhileAPushIntoItIsRunningLeavesNoMessageBehind() throws Exception {
        String q = "storage-delete-" + UUID.randomUUID();
        Http http = env.server.http;
        assertEquals(201, http.post("/api/v1/push", new JsonObject().put("items",
                new JsonArray().add(item(q, "p", "a", 1)))).status());
        CompletableFuture<Http.Response> slowPush = CompletableFuture.supplyAsync(() -> http.post("/api/v1/push",
                new JsonObject().put("items", new JsonArray().add(new JsonObject().put("queue", q).put("partition", "p")
                        .put("payload", new JsonObject().put("stallMs", 1500))))));
        // the push holds its partition now, stalled inside its insert
        TestSql.awaitValue(1, () -> env.sql.count("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%push_v3%'"
                + " AND wait_event = 'PgSleep'"));
        Http.Response deleted = http.delete("/api/v1/resources/queues/" + q);
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(201, slowPush.get(30, TimeUnit.SECONDS).status(), "the push commits before the deletion");

        assertEquals(0, env.sql.count("SELECT count(*) FROM queen.messages m"
                + " WHERE NOT EXISTS (SELECT 1 FROM queen.partitions pt WHERE pt.id = m.partition_id)"),
                "every message belongs to a partition");
        assertNull(env.sql.text("SELECT max(name) FROM queen.queues WHERE name = '" + q + "'"));
    }

    private static long rows(String queue, String partition) {
        return env.sql.count("SELECT count(*) FROM queen.messages m JOIN queen.partitions pt ON pt.id = m.partition_id"
                + " JOIN queen.queues q ON q.id = pt.queue_id WHERE q.name = '" + queue + "' AND pt.name = '"
                + partition + "'");
    }

    private static String newest(String queue, String partition) {
        return env.sql.text("SELECT pl.last_message_id::text FROM queen.partition_lookup pl"
                + " JOIN queen.partitions pt ON pt.id = pl.partition_id JOIN queen.queues q ON q.id = pt.queue_id"
                + " WHERE q.name = '" + queue + "' AND pt.name = '" + partition + "'");
    }
}
