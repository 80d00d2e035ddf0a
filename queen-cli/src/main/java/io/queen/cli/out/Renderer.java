package io.queen.cli.out;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Turns a command's JSON answer into the text of one output format. */
public final class Renderer {
    private Renderer() {
    }

    /** The full text for {@code answer} (ends with a newline unless empty). */
    public static String render(JsonNode answer, View view, Format format) {
        return switch (format.kind()) {
            case TABLE -> Table.render(answer, view, false);
            case WIDE -> Table.render(answer, view, true);
            case JSON -> JsonText.pretty(answer) + "\n";
            case NDJSON -> ndjson(answer, view);
            case YAML -> Yaml.write(answer);
            case JSONPATH -> jsonpath(answer, format.expression());
        };
    }

    /** One compact line per row of the view (the answer itself when it is not a list). */
    private static String ndjson(JsonNode answer, View view) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode found : JsonPath.parse(view.rows()).select(answer)) {
            if (found.isArray()) {
                found.forEach(rows::add);
            } else {
                rows.add(found);
            }
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode row : rows) {
            out.append(JsonText.compact(row)).append('\n');
        }
        return out.toString();
    }

    /** Each match on a line: strings bare, everything else as compact JSON. */
    private static String jsonpath(JsonNode answer, String expression) {
        StringBuilder out = new StringBuilder();
        for (JsonNode found : JsonPath.parse(expression).select(answer)) {
            out.append(found.isTextual() ? found.asText() : JsonText.compact(found)).append('\n');
        }
        return out.toString();
    }
}
