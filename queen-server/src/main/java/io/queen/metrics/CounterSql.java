package io.queen.metrics;

import io.queen.db.SqlFiles;
import io.queen.metrics.QueenCounter.Scope;
import io.queen.metrics.QueenCounter.Stored;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements over the counters' columns, whose column lists come from {@link QueenCounter}.
 * In their .sql files a marker
 * <pre>/*@each SCOPE: PATTERN*&#47;</pre>
 * (SCOPE: cluster, worker or queue) stands for a comma-separated list with one copy of PATTERN
 * per counter that scope keeps; {@code /*@each SCOPE family: …*&#47;} only for those with a
 * Prometheus family. In PATTERN, {@code {column}} is the counter's column in the scope's table,
 * {@code {alias}} the name analytics rows give it, {@code {family}}, {@code {label_names}} and
 * {@code {label_values}} its Prometheus family and label (text[] expressions). Filled once, when
 * the statement is loaded.
 */
public final class CounterSql {
    private static final Pattern MARKER = Pattern.compile("/\\*@each ([a-z]+)( family)?: (.*?)\\*/", Pattern.DOTALL);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final Set<String> PLACEHOLDERS = Set.of("column", "alias", "family", "label_names", "label_values");

    private CounterSql() {
    }

    /** The named statement of db/queries with its markers filled. */
    public static String query(String name) {
        return expand(SqlFiles.query(name));
    }

    static String expand(String sql) {
        Matcher m = MARKER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Scope scope = Scope.valueOf(m.group(1).toUpperCase(Locale.ROOT));
            boolean withFamily = m.group(2) != null;
            String pattern = m.group(3).trim();
            Matcher p = PLACEHOLDER.matcher(pattern);
            while (p.find()) {
                if (!PLACEHOLDERS.contains(p.group(1))) {
                    throw new IllegalArgumentException("Unknown placeholder {" + p.group(1) + "} in " + m.group());
                }
            }
            if (!withFamily && pattern.contains("{family}")) {
                throw new IllegalArgumentException("{family} needs '/*@each " + m.group(1) + " family:'");
            }
            List<String> copies = new ArrayList<>();
            for (QueenCounter c : QueenCounter.stored(scope)) {
                Stored place = c.in(scope);
                if (!withFamily || place.family() != null) {
                    copies.add(fill(pattern, c, place));
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.join(", ", copies)));
        }
        m.appendTail(out);
        if (out.indexOf("/*@") >= 0) {
            throw new IllegalArgumentException("Malformed counter marker in:\n" + sql);
        }
        return out.toString();
    }

    private static String fill(String pattern, QueenCounter c, Stored place) {
        String text = pattern.replace("{column}", place.column()).replace("{alias}", c.alias());
        if (place.family() != null) {
            boolean labelled = place.labelValue() != null;
            text = text.replace("{family}", "'" + place.family().name() + "'")
                    .replace("{label_names}", labelled ? "ARRAY['" + place.family().label() + "']" : "ARRAY[]::text[]")
                    .replace("{label_values}", labelled ? "ARRAY['" + place.labelValue() + "']" : "ARRAY[]::text[]");
        }
        return text;
    }

    /**
     * Fails when a table lacks a bigint column that {@link QueenCounter} declares (a counter
     * added without its migration): every flush would fail, so the server should not start.
     */
    public static Future<Void> verifyColumns(SqlClient db) {
        String[] tables = Arrays.stream(Scope.values()).map(s -> s.table).toArray(String[]::new);
        return db.preparedQuery(SqlFiles.query("metrics_counter_columns")).execute(Tuple.tuple().addArrayOfString(tables)).compose(rows -> {
            Set<String> present = new HashSet<>();
            for (Row r : rows) {
                if ("bigint".equals(r.getString("data_type"))) {
                    present.add(r.getString("table_name") + "." + r.getString("column_name"));
                }
            }
            List<String> missing = missingColumns(present);
            return missing.isEmpty() ? Future.succeededFuture() : Future.failedFuture(new IllegalStateException(
                    "The metrics tables lack bigint columns that QueenCounter declares (is a migration missing?): "
                            + String.join(", ", missing)));
        });
    }

    /** The declared columns, as table.column, that are not in {@code present}. */
    static List<String> missingColumns(Set<String> present) {
        List<String> missing = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            for (QueenCounter c : QueenCounter.stored(scope)) {
                String column = scope.table + "." + c.in(scope).column();
                if (!present.contains(column)) {
                    missing.add(column);
                }
            }
        }
        return missing;
    }
}
