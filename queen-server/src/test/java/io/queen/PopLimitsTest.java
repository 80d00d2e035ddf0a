package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * QUEEN_MAX_POP_BATCH: a pop answers at most that many messages, whatever batch it asks for;
 * QUEEN_MAX_POP_BYTES: nor more payload bytes than that (the first message always goes).
 */
class PopLimitsTest {
    private static ServerOnOwnDatabase own;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-poplimit", "QUEEN_MAX_POP_BATCH", "10",
                "QUEEN_MAX_POP_BYTES", Integer.toString(100_000));
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void aHugeBatchGetsAPageOfTheMaximumAndTheRestStaysQueued() {
        QueueClient client = new QueueClient(own.server.http);
        String q = QueueClient.uniqueQueue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(String.format("m%02d", i));
        }
        client.pushMany(q, "p", ids);
        Http.Response first = own.server.http.get("/api/v1/pop/queue/" + q + "?batch=99999999999&autoAck=true");
        assertEquals(200, first.status(), first.body());
        assertEquals(10, first.json().getJsonArray("messages").size());
        List<String> rest = client.popTransactionIds(q, null, 1_000_000, true);
        List<String> rest2 = client.popTransactionIds(q, null, 1_000_000, true);
        assertEquals(ids.subList(10, 20), rest);
        assertEquals(ids.subList(20, 25), rest2);
    }

    /** Pushes {@code count} messages of about {@code size} bytes each to one partition, in order. */
    private static void pushLarge(String q, String partition, int first, int count, int size) {
        for (int i = first; i < first + count; i++) {
            Http.Response r = own.server.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                    .add(new JsonObject().put("queue", q).put("partition", partition)
                            .put("payload", new JsonObject().put("n", i).put("blob", "x".repeat(size))))));
            assertEquals(201, r.status(), r.body());
        }
    }

    private static List<Integer> popNumbers(String path) {
        Http.Response r = own.server.http.get(path);
        List<Integer> got = new ArrayList<>();
        if (r.status() == 204) {
            return got;
        }
        assertEquals(200, r.status(), r.body());
        JsonArray messages = r.json().getJsonArray("messages");
        for (int i = 0; i < messages.size(); i++) {
            got.add(messages.getJsonObject(i).getJsonObject("data").getInteger("n"));
        }
        return got;
    }

    @Test
    void anAnswerStopsAtTheByteLimitAndTheRestFollowsInOrder() {
        String q = QueueClient.uniqueQueue();
        // 40 KB each: two fit under 100,000 bytes, the third starts below it and goes too
        pushLarge(q, "p", 0, 7, 40_000);
        assertEquals(List.of(0, 1, 2), popNumbers("/api/v1/pop/queue/" + q + "/partition/p?batch=10&autoAck=true"));
        assertEquals(List.of(3, 4, 5), popNumbers("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true"));
        assertEquals(List.of(6), popNumbers("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true"));

        // a message larger than the limit still goes, alone
        pushLarge(q, "big", 100, 2, 150_000);
        assertEquals(List.of(100), popNumbers("/api/v1/pop/queue/" + q + "/partition/big?batch=10&autoAck=true"));
        assertEquals(List.of(101), popNumbers("/api/v1/pop/queue/" + q + "/partition/big?batch=10&autoAck=true"));

        // several partitions share the limit; with explicit acks, what was not handed out stays
        String multi = QueueClient.uniqueQueue();
        for (int p = 0; p < 4; p++) {
            pushLarge(multi, "p" + p, p * 10, 2, 30_000);
        }
        List<Integer> got = popNumbers("/api/v1/pop/queue/" + multi + "?batch=10&partitions=4");
        // 30 KB each: the fourth message starts at 90,000 bytes, the fifth would start past the limit
        assertEquals(4, got.size(), got.toString());
        List<Integer> all = new ArrayList<>(got);
        for (int round = 0; round < 10; round++) {
            all.addAll(popNumbers("/api/v1/pop/queue/" + multi + "?batch=10&partitions=4&autoAck=true"));
        }
        all.sort(null);
        assertEquals(List.of(0, 1, 10, 11, 20, 21, 30, 31), all);
    }
}
