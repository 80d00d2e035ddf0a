package io.queen.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

import java.util.function.BooleanSupplier;

/** One maintenance cycle, run on a connection that holds the jobs' lock. */
interface Job {
    /** @param stopping true once the server shuts down: a long cycle ends after its current batch */
    Future<Void> run(SqlConnection conn, BooleanSupplier stopping);
}
