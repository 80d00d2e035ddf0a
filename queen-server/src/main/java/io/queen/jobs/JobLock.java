package io.queen.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.function.Function;

/**
 * Makes sure only one process runs a maintenance cycle at a time when several servers share
 * the database. A cycle is many short transactions (one per delete batch, so that no long
 * lock stalls pushes and pops), which a transaction-scoped advisory lock could not span.
 * The cycle therefore runs on one connection holding a session advisory lock, taken without
 * waiting: a process that does not get it skips the cycle. If the connection dies, PostgreSQL
 * drops the lock with it, so a crashed server never blocks the others.
 * Retention and eviction share the key, as in the reference: never two cycles at once. The
 * statistics job has a key of its own, so a long retention cycle on one server does not
 * hold up the statistics computed by another.
 */
final class JobLock {
    static final long JOBS = 0x5155454e4a4f4253L; // "QUENJOBS"
    static final long STATS = 0x5155454e53544154L; // "QUENSTAT"

    private JobLock() {
    }

    /** Runs {@code work} under lock {@code key}, or answers {@code skipped} when another process holds it. */
    static <T> Future<T> runExclusive(Pool pool, long key, T skipped, Function<SqlConnection, Future<T>> work) {
        return pool.withConnection(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1)")
                .execute(Tuple.of(key))
                .compose(rows -> {
                    if (!rows.iterator().next().getBoolean(0)) {
                        return Future.succeededFuture(skipped);
                    }
                    // the connection goes back to the pool afterwards: the lock must not go with it
                    return work.apply(conn).eventually(() -> conn.preparedQuery("SELECT pg_advisory_unlock($1)")
                            .execute(Tuple.of(key)));
                }));
    }
}
