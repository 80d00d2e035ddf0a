package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two servers reach PostgreSQL through PgBouncer in transaction pooling mode
 * (PG_TRANSACTION_POOLER=true), with LISTEN and the jobs' lock going direct (PG_DIRECT_HOST):
 * pushes, pops, acks and transactions work through the pooler, and a push on one server wakes
 * a long-poll on the other at once.
 */
class PgBouncerTest {
    private static final Path PGBOUNCER = Path.of("/usr/sbin/pgbouncer");
    private static PgCluster pg;
    private static Process bouncer;
    private static TestServer first;
    private static TestServer second;

    @BeforeAll
    static void start() throws Exception {
        PgCluster.assumeInstalled();
        if (!Files.isExecutable(PGBOUNCER) && "required".equals(System.getenv("QUEEN_TOPOLOGY_TESTS"))) {
            throw new IllegalStateException("pgbouncer missing (apt-get install pgbouncer)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(PGBOUNCER), "pgbouncer not installed");
        pg = PgCluster.primary("queen-pgbouncer-db");
        Path dir = PgCluster.ownedDir("queen-pgbouncer");
        int port = PgCluster.freePort();
        Path ini = dir.resolve("pgbouncer.ini");
        Files.writeString(dir.resolve("users.txt"), "\"postgres\" \"\"\n");
        Files.write(ini, List.of("[databases]",
                "postgres = host=127.0.0.1 port=" + pg.port + " dbname=postgres",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1", "listen_port = " + port, "unix_socket_dir =",
                "auth_type = trust", "auth_file = " + dir.resolve("users.txt"),
                "pool_mode = transaction", "default_pool_size = 8", "max_client_conn = 500",
                "logfile = " + dir.resolve("pgbouncer.log"), "pidfile = " + dir.resolve("pgbouncer.pid")));
        PgCluster.giveToPostgres(dir);
        bouncer = new ProcessBuilder(PgCluster.asPostgres(PGBOUNCER.toString(), ini.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        awaitListening(port);
        Map<String, String> settings = Map.of("PG_HOST", "127.0.0.1:" + port, "PG_TRANSACTION_POOLER", "true",
                "PG_DIRECT_HOST", "127.0.0.1:" + pg.port, "PG_USER", "postgres", "PG_DB", "postgres",
                // without a wake-up from the other server a parked pop would look again only after 10 s
                "POP_WAIT_MAX_INTERVAL_MS", "10000");
        first = TestServer.start(TestDirs.temp("queen-pgbouncer-a"), settings);
        second = TestServer.start(TestDirs.temp("queen-pgbouncer-b"), settings);
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[]{first, second}) {
            if (s != null) {
                s.stop();
            }
        }
        if (bouncer != null) {
            bouncer.destroy();
            bouncer.waitFor(10, TimeUnit.SECONDS);
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                if (System.currentTimeMillis() > deadline || !bouncer.isAlive()) {
                    throw new IllegalStateException("pgbouncer did not start", e);
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void pushPopAckAndTransactionsWorkThroughThePoolerFromTwoServers() {
        String q = "bouncer-" + System.nanoTime();
        for (int batch = 0; batch < 10; batch++) {
            JsonArray items = new JsonArray();
            for (int i = 0; i < 20; i++) {
                items.add(new JsonObject().put("queue", q).put("partition", "p" + (i % 4))
                        .put("payload", new JsonObject().put("n", batch * 20 + i)));
            }
            Http.Response r = (batch % 2 == 0 ? first : second).http.post("/api/v1/push",
                    new JsonObject().put("items", items));
            assertEquals(201, r.status(), r.body());
        }
        Set<Integer> seen = new HashSet<>();
        JsonObject last = null;
        for (int round = 0; round < 100 && seen.size() < 200; round++) {
            Http.Response popped = (round % 2 == 0 ? first : second).http.get("/api/v1/pop/queue/" + q + "?batch=30");
            if (popped.status() == 204) {
                continue;
            }
            assertEquals(200, popped.status(), popped.body());
            JsonArray messages = popped.json().getJsonArray("messages");
            JsonArray acks = new JsonArray();
            for (int i = 0; i < messages.size(); i++) {
                JsonObject m = messages.getJsonObject(i);
                assertTrue(seen.add(m.getJsonObject("data").getInteger("n")), "delivered twice: " + m);
                last = m;
                acks.add(new JsonObject().put("transactionId", m.getString("transactionId"))
                        .put("partitionId", m.getString("partitionId")).put("leaseId", m.getString("leaseId"))
                        .put("status", "completed"));
            }
            Http.Response acked = (round % 2 == 0 ? second : first).http.post("/api/v1/ack/batch",
                    new JsonObject().put("acknowledgments", acks));
            assertEquals(200, acked.status(), acked.body());
        }
        assertEquals(200, seen.size());
        assertEquals(204, first.http.get("/api/v1/pop/queue/" + q + "?batch=30").status());

        // ack + push in one transaction, through the pooler
        String next = q + "-next";
        Http.Response pushed = first.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", q).put("payload", new JsonObject().put("n", 999)))));
        assertEquals(201, pushed.status(), pushed.body());
        JsonObject m = first.http.get("/api/v1/pop/queue/" + q).json().getJsonArray("messages").getJsonObject(0);
        Http.Response tx = second.http.post("/api/v1/transaction", new JsonObject().put("operations", new JsonArray()
                .add(new JsonObject().put("type", "ack").put("transactionId", m.getString("transactionId"))
                        .put("partitionId", m.getString("partitionId")).put("status", "completed"))
                .add(new JsonObject().put("type", "push").put("items", new JsonArray()
                        .add(new JsonObject().put("queue", next).put("payload", new JsonObject().put("n", 1000)))))));
        assertEquals(200, tx.status(), tx.body());
        assertEquals(1000, first.http.get("/api/v1/pop/queue/" + next + "?autoAck=true").json()
                .getJsonArray("messages").getJsonObject(0).getJsonObject("data").getInteger("n"));
        assertTrue(last != null);
    }

    @Test
    void aPushOnOneServerWakesALongPollOnTheOtherAtOnce() throws Exception {
        String q = "bouncer-wake-" + System.nanoTime();
        // the queue exists on both before the wait
        assertEquals(201, first.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", q).put("payload", new JsonObject())))).status());
        assertEquals(200, second.http.get("/api/v1/pop/queue/" + q + "?autoAck=true").status());
        CompletableFuture<Http.Response> parked = CompletableFuture.supplyAsync(
                () -> second.http.get("/api/v1/pop/queue/" + q + "?wait=true&timeout=20000&autoAck=true"));
        Thread.sleep(500);
        long pushedAt = System.nanoTime();
        assertEquals(201, first.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", q).put("payload", new JsonObject().put("wake", true))))).status());
        Http.Response woken = parked.get(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - pushedAt) / 1_000_000;
        assertEquals(200, woken.status(), woken.body());
        assertTrue(ms < 3000, "woken after " + ms + " ms: the LISTEN connection did not carry the wake-up");
    }
}
