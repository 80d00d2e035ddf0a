package io.queen.streams;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.Locale;
import java.util.UUID;

/**
 * Registration of the streaming SDKs' queries (POST /streams/v1/queries). A query is known by
 * its name (the SDK's queryId); its config hash fingerprints the operator chain, so that a
 * redeployed pipeline with another chain does not continue on state the old one computed.
 */
public final class StreamQueries {
    private static final String REGISTER = SqlFiles.query("streams_register");

    public enum Outcome {
        /** Created now. */
        FRESH,
        /** Known with the same hash. */
        SAME,
        /** Known with another hash; its state was deleted and the new hash stored. */
        RESET,
        /** Known with another hash and no reset asked: refused, nothing changed. */
        MISMATCH
    }

    public record Registration(UUID queryId, Outcome outcome) {
    }

    private final SqlClient db;

    public StreamQueries(SqlClient db) {
        this.db = db;
    }

    /** @param sink null: the query writes to no queue (foreach sinks, or none) */
    public Future<Registration> register(String name, String source, String sink, String configHash, boolean reset) {
        return db.preparedQuery(REGISTER).execute(Tuple.of(name, source, sink, configHash, reset)).map(rows -> {
            Row r = rows.iterator().next();
            return new Registration(r.getUUID("query_id"),
                    Outcome.valueOf(r.getString("outcome").toUpperCase(Locale.ROOT)));
        });
    }
}
