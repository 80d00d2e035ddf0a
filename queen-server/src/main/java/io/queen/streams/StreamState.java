package io.queen.streams;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads the state of one (query, partition) (POST /streams/v1/state/get). */
public final class StreamState {
    private static final String GET = SqlFiles.query("streams_state_get");

    /** @param value the stored JSON, as text */
    public record StateRow(String key, String value, OffsetDateTime updatedAt) {
    }

    private final SqlClient db;

    public StreamState(SqlClient db) {
        this.db = db;
    }

    /**
     * @param keys      only these keys (empty: all)
     * @param keyPrefix only keys starting with it (null: all)
     * @param ripeAt    only rows whose {@code value.windowEnd} is a number at most this (null: all)
     */
    public Future<List<StateRow>> get(UUID queryId, UUID partitionId, List<String> keys, String keyPrefix,
                                 BigDecimal ripeAt) {
        Tuple args = Tuple.of(queryId, partitionId, keys.toArray(new String[0]), keyPrefix,
                ripeAt == null ? null : io.vertx.sqlclient.data.Numeric.create(ripeAt));
        return db.preparedQuery(GET).execute(args).map(rows -> {
            List<StateRow> out = new ArrayList<>(rows.size());
            for (io.vertx.sqlclient.Row r : rows) {
                out.add(new StateRow(r.getString("key"), r.getString("value"), r.getOffsetDateTime("updated_at")));
            }
            return out;
        });
    }
}
