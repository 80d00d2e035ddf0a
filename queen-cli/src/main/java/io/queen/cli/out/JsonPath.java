package io.queen.cli.out;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A small JSONPath: {@code $} (the root, optional), {@code .name}, {@code ['name']},
 * {@code [n]} (negative counts from the end), {@code [*]} and {@code .*} (every element or
 * member). kubectl's braces ({@code {.items[*].name}}) are accepted and dropped. A step that
 * finds nothing drops that branch, so the result may be empty.
 */
public final class JsonPath {
    private sealed interface Step permits Field, Index, All {
    }

    private record Field(String name) implements Step {
    }

    private record Index(int index) implements Step {
    }

    private record All() implements Step {
    }

    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    public static JsonPath parse(String expression) {
        String e = expression.trim();
        if (e.startsWith("{") && e.endsWith("}")) {
            e = e.substring(1, e.length() - 1).trim();
        }
        if (e.startsWith("$")) {
            e = e.substring(1);
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < e.length()) {
            char c = e.charAt(i);
            if (c == '.') {
                i = parseName(expression, e, i + 1, steps);
            } else if (c == '[') {
                i = parseBracket(expression, e, i + 1, steps);
            } else if (i == 0) {
                i = parseName(expression, e, 0, steps);
            } else {
                throw bad(expression, "unexpected '" + c + "'");
            }
        }
        return new JsonPath(expression, List.copyOf(steps));
    }

    private static int parseName(String expression, String e, int from, List<Step> steps) {
        int end = from;
        while (end < e.length() && e.charAt(end) != '.' && e.charAt(end) != '[') {
            end++;
        }
        String name = e.substring(from, end);
        if (name.isEmpty()) {
            throw bad(expression, "empty name");
        }
        steps.add(name.equals("*") ? new All() : new Field(name));
        return end;
    }

    private static int parseBracket(String expression, String e, int from, List<Step> steps) {
        if (from < e.length() && (e.charAt(from) == '\'' || e.charAt(from) == '"')) {
            char quote = e.charAt(from);
            int close = e.indexOf(quote, from + 1);
            if (close < 0 || close + 1 >= e.length() || e.charAt(close + 1) != ']') {
                throw bad(expression, "unclosed quoted name");
            }
            steps.add(new Field(e.substring(from + 1, close)));
            return close + 2;
        }
        int close = e.indexOf(']', from);
        if (close < 0) {
            throw bad(expression, "missing ']'");
        }
        String inside = e.substring(from, close).trim();
        if (inside.equals("*")) {
            steps.add(new All());
        } else {
            try {
                steps.add(new Index(Integer.parseInt(inside)));
            } catch (NumberFormatException notNumber) {
                throw bad(expression, "'[" + inside + "]' is neither a number, * nor a quoted name");
            }
        }
        return close + 1;
    }

    private static IllegalArgumentException bad(String expression, String why) {
        return new IllegalArgumentException("invalid JSONPath '" + expression + "': " + why);
    }

    /** Every node the path reaches from {@code root}, in document order. */
    public List<JsonNode> select(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                apply(step, node, next);
            }
            current = next;
        }
        return current;
    }

    /** The first node the path reaches, or null. */
    public JsonNode first(JsonNode root) {
        List<JsonNode> found = select(root);
        return found.isEmpty() ? null : found.get(0);
    }

    private static void apply(Step step, JsonNode node, List<JsonNode> into) {
        if (step instanceof Field field) {
            JsonNode value = node.isObject() ? node.get(field.name()) : null;
            if (value != null) {
                into.add(value);
            }
        } else if (step instanceof Index index) {
            if (node.isArray()) {
                int i = index.index() < 0 ? node.size() + index.index() : index.index();
                if (i >= 0 && i < node.size()) {
                    into.add(node.get(i));
                }
            }
        } else if (node.isArray() || node.isObject()) {
            Iterator<JsonNode> elements = node.elements();
            elements.forEachRemaining(into::add);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
