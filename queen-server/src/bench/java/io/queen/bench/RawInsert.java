package io.queen.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Baseline: the same rows a push writes, inserted straight into a copy of queen.messages
 * (same columns, defaults and indexes, no foreign key) 100 at a time. It bounds what any
 * server could reach on this database, so push figures can be read as a share of it.
 */
final class RawInsert {
    static final int ROWS_PER_STATEMENT = 100;

    // one statement for all 100 rows: arrays are unnested server-side, so the plan is reused
    private static final String INSERT = """
            INSERT INTO queen_bench.raw_messages (id, transaction_id, partition_id, payload, created_at)
            SELECT id, tx, part, body::jsonb, now()
            FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[]) AS r(id, tx, part, body)""";

    private final Pool pool;
    private final UUID[] partitions = new UUID[100];
    private final AtomicLong sequence = new AtomicLong();

    RawInsert(Pool pool) {
        this.pool = pool;
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = UUID.randomUUID();
        }
    }

    /** Creates the table on first use and empties it, so every run starts from the same state. */
    void prepare() {
        Bench.await(pool.query("CREATE SCHEMA IF NOT EXISTS queen_bench").execute());
        Bench.await(pool.query("CREATE TABLE IF NOT EXISTS queen_bench.raw_messages "
                + "(LIKE queen.messages INCLUDING DEFAULTS INCLUDING INDEXES)").execute());
        Bench.await(pool.query("TRUNCATE queen_bench.raw_messages").execute());
    }

    long rowCount() {
        return rowCount("queen_bench.raw_messages");
    }

    /**
     * The wrk mode's baseline as issue 15 defines the raw limit: a plain table with one unique
     * index (no primary key, no index for reading in order), created on first use and emptied.
     */
    void preparePlain() {
        Bench.await(pool.query("CREATE SCHEMA IF NOT EXISTS queen_bench").execute());
        Bench.await(pool.query("CREATE TABLE IF NOT EXISTS " + PLAIN_TABLE + " (id uuid, transaction_id text,"
                + " partition_id uuid, payload jsonb, created_at timestamptz)").execute());
        Bench.await(pool.query("CREATE UNIQUE INDEX IF NOT EXISTS raw_plain_partition_txn ON " + PLAIN_TABLE
                + " (partition_id, transaction_id)").execute());
        Bench.await(pool.query("TRUNCATE " + PLAIN_TABLE).execute());
    }

    static final String PLAIN_TABLE = "queen_bench.raw_plain";

    long rowCount(String table) {
        return Bench.await(pool.query("SELECT count(*) FROM " + table).execute()).iterator().next().getLong(0);
    }

    /** One statement of 100 rows spread round-robin over 100 partitions, like push-b100-p100. */
    Future<Integer> insertBatch(Meter.Lane lane) {
        UUID[] ids = new UUID[ROWS_PER_STATEMENT];
        String[] txs = new String[ROWS_PER_STATEMENT];
        UUID[] parts = new UUID[ROWS_PER_STATEMENT];
        String[] bodies = new String[ROWS_PER_STATEMENT];
        for (int i = 0; i < ROWS_PER_STATEMENT; i++) {
            long n = sequence.getAndIncrement();
            ids[i] = timeOrderedId(n);
            txs[i] = UUID.randomUUID().toString(); // what the server generates when none is sent
            parts[i] = partitions[(int) (n % partitions.length)];
            bodies[i] = "{\"message\":\"Hello World\",\"n\":" + n + "}";
        }
        long start = System.nanoTime();
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(ids, txs, parts, bodies))
                .andThen(ar -> lane.record(System.nanoTime() - start))
                .map(rs -> rs.rowCount());
    }

    /**
     * A UUIDv7-shaped id (millisecond time first), as the server generates: random v4 keys
     * would scatter primary-key inserts over the whole index and make the baseline unfairly slow.
     */
    private static UUID timeOrderedId(long n) {
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (n & 0x0FFFL);
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
