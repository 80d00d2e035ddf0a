package io.queen.maintenance;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The persisted switches in {@code queen.system_state}, the source of truth for all servers. */
public final class MaintenanceFlags {
    private static final String READ = SqlFiles.query("maintenance_flags");
    private static final String WRITE = SqlFiles.query("maintenance_flag_set");

    private MaintenanceFlags() {
    }

    /** Both switches as updates for {@link MaintenanceState#apply}; an absent row is "off". */
    public static Future<List<JsonObject>> read(SqlClient db) {
        return db.preparedQuery(READ).execute().map(rows -> {
            List<JsonObject> updates = new ArrayList<>(2);
            for (Row row : rows) {
                updates.add(MaintenanceState.update(row.getString(0), row.getBoolean(1), row.getLong(2)));
            }
            return updates;
        });
    }

    public static boolean enabled(List<JsonObject> updates, String key) {
        return updates.stream().anyMatch(u -> key.equals(u.getString("key")) && u.getBoolean("enabled"));
    }

    /** Persists one switch and returns the update to hand to the holders. */
    public static Future<JsonObject> write(SqlClient db, String key, boolean enabled) {
        return db.preparedQuery(WRITE).execute(Tuple.of(key, enabled))
                .map(rows -> MaintenanceState.update(key, enabled, rows.iterator().next().getLong(0)));
    }
}
