package io.queen.streams;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What streams run, for operators (GET /api/v1/streams/queries…): the registered queries,
 * the state they keep per partition and how far their consumer groups have read.
 */
public final class StreamsOverview {
    private static final String QUERIES = SqlFiles.query("streams_queries");
    private static final String PARTITIONS = SqlFiles.query("streams_query_partitions");

    public record Query(UUID id, String name, String sourceQueue, String sinkQueue, String configHash,
                        OffsetDateTime createdAt, OffsetDateTime updatedAt, long statePartitions, long stateRows,
                        long stateBytes, OffsetDateTime lastStateUpdate, long messagesConsumed, long activeLeases,
                        OffsetDateTime lastConsumedAt) {
    }

    public record Partition(UUID partitionId, String partition, String queue, long stateRows, long stateBytes,
                            OffsetDateTime lastStateUpdate, long messagesConsumed, OffsetDateTime lastConsumedAt,
                            boolean leaseActive) {
    }

    private final SqlClient db;

    public StreamsOverview(SqlClient db) {
        this.db = db;
    }

    /** @param name null: every query */
    public Future<List<Query>> queries(String name) {
        return db.preparedQuery(QUERIES).execute(Tuple.of(name)).map(rows -> {
            List<Query> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(new Query(r.getUUID("id"), r.getString("name"), r.getString("source_queue"),
                        r.getString("sink_queue"), r.getString("config_hash"), r.getOffsetDateTime("created_at"),
                        r.getOffsetDateTime("updated_at"), r.getLong("state_partitions"), r.getLong("state_rows"),
                        r.getLong("state_bytes"), r.getOffsetDateTime("last_state_update"),
                        r.getLong("messages_consumed"), r.getLong("active_leases"),
                        r.getOffsetDateTime("last_consumed_at")));
            }
            return out;
        });
    }

    public Future<List<Partition>> partitions(String name) {
        return db.preparedQuery(PARTITIONS).execute(Tuple.of(name)).map(rows -> {
            List<Partition> out = new ArrayList<>(rows.size());
            for (Row r : rows) {
                out.add(new Partition(r.getUUID("partition_id"), r.getString("partition_name"),
                        r.getString("queue_name"), r.getLong("state_rows"), r.getLong("state_bytes"),
                        r.getOffsetDateTime("last_state_update"), r.getLong("messages_consumed"),
                        r.getOffsetDateTime("last_consumed_at"), r.getBoolean("lease_active")));
            }
            return out;
        });
    }
}
