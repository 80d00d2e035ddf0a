package io.queen.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Exactness queries against the server's database, all scoped to one queue by name. */
final class DbCheck {
    private static final String QUEUE_MESSAGES = """
            FROM queen.messages m
            JOIN queen.partitions p ON p.id = m.partition_id
            JOIN queen.queues q ON q.id = p.queue_id
            WHERE q.name = $1""";

    private final Pool pool;

    DbCheck(Pool pool) {
        this.pool = pool;
    }

    record Counts(long rows, long distinctIds) {
    }

    /** Messages stored for the queue, and how many distinct ids among them. */
    Counts messageCounts(String queue) {
        Row row = Bench.await(pool.preparedQuery("SELECT count(*), count(DISTINCT m.id) " + QUEUE_MESSAGES)
                .execute(Tuple.of(queue))).iterator().next();
        return new Counts(row.getLong(0), row.getLong(1));
    }

    /** How many of {@code ids} exist as messages of the queue (asked in chunks to keep arrays small). */
    long existing(String queue, Collection<String> ids) {
        List<String> all = new ArrayList<>(ids);
        long found = 0;
        for (int from = 0; from < all.size(); from += 10_000) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 10_000));
            UUID[] arr = chunk.stream().map(UUID::fromString).toArray(UUID[]::new);
            Future<Long> f = pool.preparedQuery("SELECT count(*) " + QUEUE_MESSAGES + " AND m.id = ANY($2::uuid[])")
                    .execute(Tuple.of(queue).addArrayOfUUID(arr))
                    .map(rs -> rs.iterator().next().getLong(0));
            found += Bench.await(f);
        }
        return found;
    }

    /**
     * Messages at or before the group's cursor in their partition, i.e. what the server
     * considers consumed. The order key is (created_at, id), the same the pop walks.
     */
    long consumedByCursor(String queue, String group) {
        Row row = Bench.await(pool.preparedQuery("""
                SELECT count(*)
                FROM queen.messages m
                JOIN queen.partitions p ON p.id = m.partition_id
                JOIN queen.queues q ON q.id = p.queue_id
                JOIN queen.partition_consumers pc ON pc.partition_id = p.id AND pc.consumer_group = $2
                WHERE q.name = $1
                  AND pc.last_consumed_created_at IS NOT NULL
                  AND (m.created_at, m.id) <= (pc.last_consumed_created_at, pc.last_consumed_id)""")
                .execute(Tuple.of(queue, group))).iterator().next();
        return row.getLong(0);
    }
}
