package io.queen.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The database's side of the proof, read directly from PostgreSQL (not through the proxy):
 * every accepted message is stored exactly once per (partition, transactionId), and every
 * group's cursor has passed every message.
 */
final class DbVerifier implements AutoCloseable {
    /** What the database holds against what the producers were told. */
    record Stored(long rows, long missing, long storedTwice, long notConfirmed) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final Pool pool;

    DbVerifier(int pgPort) {
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort)
                        .setDatabase("postgres").setUser("postgres").setPassword("postgres"))
                .using(vertx).build();
    }

    Stored stored(String queue, Ledger ledger) {
        // partition -> transaction id -> rows; the transaction ids are the producers' own
        Map<String, Map<String, Integer>> rows = new HashMap<>();
        long total = 0;
        for (Row row : await(pool.preparedQuery("""
                SELECT p.name, m.transaction_id
                FROM queen.messages m
                JOIN queen.partitions p ON p.id = m.partition_id
                JOIN queen.queues q ON q.id = p.queue_id
                WHERE q.name = $1""").execute(Tuple.of(queue)))) {
            rows.computeIfAbsent(row.getString(0), k -> new HashMap<>()).merge(row.getString(1), 1, Integer::sum);
            total++;
        }
        long missing = 0;
        long twice = 0;
        long matched = 0;
        for (int p = 0; p < ledger.partitions(); p++) {
            Map<String, Integer> stored = rows.getOrDefault("p" + p, Map.of());
            for (int seq = 0; seq < ledger.accepted(p); seq++) {
                int n = stored.getOrDefault("soak-p" + p + "-s" + seq, 0);
                if (n == 0) {
                    missing++;
                } else {
                    matched += n;
                    if (n > 1) {
                        twice++;
                    }
                }
            }
        }
        return new Stored(total, missing, twice, total - matched);
    }

    /** Per group: messages of the queue at or after the group's cursor (0 when it consumed everything). */
    Map<String, Long> unconsumed(String queue, List<String> groups) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String group : groups) {
            String name = group.equals(Ledger.QUEUE_MODE) ? "__QUEUE_MODE__" : group;
            Row row = await(pool.preparedQuery("""
                    SELECT count(*)
                    FROM queen.messages m
                    JOIN queen.partitions p ON p.id = m.partition_id
                    JOIN queen.queues q ON q.id = p.queue_id
                    LEFT JOIN queen.partition_consumers pc ON pc.partition_id = p.id AND pc.consumer_group = $2
                    WHERE q.name = $1
                      AND (pc.last_consumed_created_at IS NULL
                           OR (m.created_at, m.id) > (pc.last_consumed_created_at, pc.last_consumed_id))""")
                    .execute(Tuple.of(queue, name))).iterator().next();
            out.put(group, row.getLong(0));
        }
        return out;
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        pool.close();
        vertx.close();
    }
}
