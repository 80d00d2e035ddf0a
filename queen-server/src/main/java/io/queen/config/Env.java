package io.queen.config;

import java.util.Map;

/** Environment variables, read with the checks every setting gets (a bad value names its variable). */
final class Env {
    private final Map<String, String> values;

    Env(Map<String, String> values) {
        this.values = values;
    }

    boolean has(String name) {
        String v = values.get(name);
        return v != null && !v.isBlank();
    }

    String string(String name, String fallback) {
        return has(name) ? values.get(name).trim() : fallback;
    }

    int integer(String name, int fallback, int min, int max) {
        return (int) longValue(name, fallback, min, max);
    }

    long longValue(String name, long fallback, long min, long max) {
        if (!has(name)) {
            return fallback;
        }
        String raw = values.get(name).trim();
        long parsed;
        try {
            parsed = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be an integer, got '" + raw + "'");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        String raw = values.get(name).trim().toLowerCase();
        switch (raw) {
            case "true": case "1": case "yes": return true;
            case "false": case "0": case "no": return false;
            default: throw new ConfigException(name + " must be true or false, got '" + raw + "'");
        }
    }
}
