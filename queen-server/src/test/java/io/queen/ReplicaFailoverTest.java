package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PG_HOST lists a primary and its synchronous standby. The primary crashes under load and the
 * standby is promoted: the server moves to it by itself, pushes in the gap are buffered, and
 * every acknowledged message is delivered exactly once, in order, from the new primary.
 */
class ReplicaFailoverTest {
    private static final int PRODUCERS = 4;

    @Test
    void aPromotedStandbyTakesOverAndNoAcknowledgedPushIsLost() throws Exception {
        PgCluster.assumeInstalled();
        // synchronous: a commit is acknowledged only once the standby has it, which is what
        // makes a promotion lose nothing
        try (PgCluster primary = PgCluster.primary("queen-failover-primary", "synchronous_standby_names = '*'");
             PgCluster standby = PgCluster.standbyOf(primary, "queen-failover-standby")) {
            TestServer server = TestServer.start(TestDirs.temp("queen-failover-server"), Map.of(
                    "PG_HOST", "127.0.0.1:" + primary.port + ",127.0.0.1:" + standby.port,
                    "PG_USER", "postgres", "PG_DB", "postgres", "DB_CONNECTION_TIMEOUT", "1000",
                    "FILE_BUFFER_FLUSH_MS", "200"));
            try {
                String queue = "failover-" + System.nanoTime();
                Map<String, List<Integer>> accepted = new ConcurrentHashMap<>();
                ConcurrentLinkedQueue<String> statuses = new ConcurrentLinkedQueue<>();
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> producers = new ArrayList<>();
                for (int p = 0; p < PRODUCERS; p++) {
                    String partition = "p" + p;
                    List<Integer> mine = new ArrayList<>();
                    accepted.put(partition, mine);
                    Thread t = new Thread(() -> produce(server.http, queue, partition, mine, statuses, stop));
                    t.start();
                    producers.add(t);
                }
                Thread.sleep(2000);
                primary.kill();
                Thread.sleep(1500);
                standby.promote();
                Thread.sleep(3000);
                stop.set(true);
                for (Thread t : producers) {
                    t.join(30_000);
                }
                assertTrue(statuses.contains("buffered"), "nothing was buffered while no primary was up: " + statuses);
                // the buffer drains into the new primary
                TestSql.awaitValue(0, () -> server.http.get("/api/v1/system/maintenance").json()
                        .getLong("bufferedMessages"));
                for (Map.Entry<String, List<Integer>> e : accepted.entrySet()) {
                    List<Integer> delivered = drain(server.http, queue, e.getKey());
                    assertTrue(e.getValue().size() > 10, e.getKey() + " accepted only " + e.getValue().size());
                    // a push that failed without an answer may or may not be stored: retried with
                    // the same transaction id, it is stored once, so delivered == accepted exactly
                    assertEquals(e.getValue(), delivered, "partition " + e.getKey());
                }
                assertEquals(200, server.http.get("/health").status());
            } finally {
                server.stop();
            }
        }
    }

    /** Pushes seq 0, 1, 2 ... to one partition, each retried with its transaction id until acknowledged. */
    private static void produce(Http http, String queue, String partition, List<Integer> accepted,
                                ConcurrentLinkedQueue<String> statuses, AtomicBoolean stop) {
        for (int seq = 0; !stop.get(); seq++) {
            JsonObject item = new JsonObject().put("queue", queue).put("partition", partition)
                    .put("transactionId", partition + "-" + seq).put("payload", new JsonObject().put("seq", seq));
            while (true) {
                Http.Response r;
                try {
                    r = http.post("/api/v1/push", new JsonObject().put("items", new JsonArray().add(item)));
                } catch (RuntimeException e) {
                    r = new Http.Response(0, e.toString());
                }
                if (r.status() == 201) {
                    statuses.add(r.array().getJsonObject(0).getString("status"));
                    accepted.add(seq);
                    break;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Every message of one partition, in delivery order. */
    private static List<Integer> drain(Http http, String queue, String partition) {
        List<Integer> seqs = new ArrayList<>();
        while (true) {
            Http.Response r = http.get("/api/v1/pop/queue/" + queue + "/partition/" + partition
                    + "?batch=500&autoAck=true&wait=false");
            if (r.status() == 204) {
                return seqs;
            }
            assertEquals(200, r.status(), r.body());
            JsonArray messages = r.json().getJsonArray("messages");
            for (int i = 0; i < messages.size(); i++) {
                seqs.add(messages.getJsonObject(i).getJsonObject("data").getInteger("seq"));
            }
        }
    }
}
