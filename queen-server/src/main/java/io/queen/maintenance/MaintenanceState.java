package io.queen.maintenance;

import io.vertx.core.json.JsonObject;

/**
 * One holder's copy of the two maintenance switches (each worker and the file buffer keep
 * their own; they are never shared). Updates carry the version of the database row they come
 * from, so a slow poll result can never undo a newer change.
 */
public final class MaintenanceState {
    public static final String PUSH = "maintenance_mode";
    public static final String POP = "pop_maintenance_mode";

    private boolean push;
    private boolean pop;
    private long pushVersion = Long.MIN_VALUE;
    private long popVersion = Long.MIN_VALUE;

    /** @return true when the switch named by the update changed */
    public boolean apply(JsonObject update) {
        String key = update.getString("key");
        boolean enabled = Boolean.TRUE.equals(update.getBoolean("enabled"));
        long version = update.getLong("version", 0L);
        if (PUSH.equals(key) && version >= pushVersion) {
            pushVersion = version;
            boolean changed = push != enabled;
            push = enabled;
            return changed;
        }
        if (POP.equals(key) && version >= popVersion) {
            popVersion = version;
            boolean changed = pop != enabled;
            pop = enabled;
            return changed;
        }
        return false;
    }

    /** Pushes go to the file buffer instead of the database. */
    public boolean pushPaused() {
        return push;
    }

    /** Pops answer 204 without touching the database. */
    public boolean popPaused() {
        return pop;
    }

    public static JsonObject update(String key, boolean enabled, long version) {
        return new JsonObject().put("key", key).put("enabled", enabled).put("version", version);
    }
}
