package io.queen;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** QUEEN_MAX_POP_BATCH: a pop answers at most that many messages, whatever batch it asks for. */
class PopLimitsTest {
    private static ServerOnOwnDatabase own;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-poplimit", "QUEEN_MAX_POP_BATCH", "10");
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
}
