package io.queen.jobs;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deleted messages of one job cycle per (retention type, partition). A cycle may take many
 * batches; retention_history gets one row per partition and type at the end of it.
 */
final class Tally {
    private static final String RECORD = SqlFiles.query("record_retention");

    private final Map<String, Map<UUID, Integer>> byType = new LinkedHashMap<>();

    void add(String type, UUID partition, int deleted) {
        byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).merge(partition, deleted, Integer::sum);
    }

    long total(String type) {
        return byType.getOrDefault(type, Map.of()).values().stream().mapToLong(Integer::longValue).sum();
    }

    Future<Void> record(SqlClient db) {
        List<UUID> partitions = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        List<String> types = new ArrayList<>();
        byType.forEach((type, perPartition) -> perPartition.forEach((partition, n) -> {
            partitions.add(partition);
            counts.add(n);
            types.add(type);
        }));
        if (partitions.isEmpty()) {
            return Future.succeededFuture();
        }
        return db.preparedQuery(RECORD)
                .execute(Tuple.of(partitions.toArray(new UUID[0]), counts.toArray(new Integer[0]),
                        types.toArray(new String[0])))
                .mapEmpty();
    }
}
