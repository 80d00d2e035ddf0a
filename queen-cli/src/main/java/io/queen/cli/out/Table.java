package io.queen.cli.out;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Rows of a JSON answer as aligned text columns under an upper-case header, three spaces
 * apart; the last column is not padded. Missing, null and empty cells show {@code -}, nested values
 * their compact JSON.
 */
final class Table {
    private static final String GAP = "   ";

    private Table() {
    }

    static String render(JsonNode answer, View view, boolean wide) {
        List<JsonNode> rows = rows(answer, view);
        List<Column> columns = columns(rows, view, wide);
        List<String[]> lines = new ArrayList<>();
        String[] header = new String[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            header[c] = columns.get(c).header().toUpperCase(Locale.ROOT);
        }
        lines.add(header);
        List<JsonPath> paths = new ArrayList<>();
        for (Column column : columns) {
            paths.add(JsonPath.parse(column.path()));
        }
        for (JsonNode row : rows) {
            String[] cells = new String[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                cells[c] = cell(paths.get(c).select(row));
            }
            lines.add(cells);
        }
        return align(lines);
    }

    private static List<JsonNode> rows(JsonNode answer, View view) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode found : JsonPath.parse(view.rows()).select(answer)) {
            if (found.isArray()) {
                found.forEach(rows::add);
            } else if (!found.isNull()) {
                rows.add(found);
            }
        }
        return rows;
    }

    private static List<Column> columns(List<JsonNode> rows, View view, boolean wide) {
        List<Column> chosen = new ArrayList<>();
        for (Column column : view.columns()) {
            if (wide || !column.wide()) {
                chosen.add(column);
            }
        }
        if (!chosen.isEmpty()) {
            return chosen;
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            if (!row.isObject()) {
                return List.of(Column.of("value", "$"));
            }
            Iterator<String> fields = row.fieldNames();
            while (fields.hasNext()) {
                String name = fields.next();
                if (wide || !row.get(name).isContainerNode()) {
                    names.add(name);
                }
            }
        }
        for (String name : names) {
            chosen.add(Column.of(name, "['" + name + "']"));
        }
        return chosen;
    }

    private static String cell(List<JsonNode> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode value : values) {
            String text = value.isNull() ? "" : value.isValueNode() ? value.asText() : JsonText.compact(value);
            parts.add(text.isEmpty() ? "-" : text);
        }
        return String.join(",", parts).replace('\n', ' ');
    }

    private static String align(List<String[]> lines) {
        int columns = lines.get(0).length;
        int[] widths = new int[columns];
        for (String[] line : lines) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], line[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                text.append(line[c]);
                if (c < columns - 1) {
                    text.append(" ".repeat(widths[c] - line[c].length())).append(GAP);
                }
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
