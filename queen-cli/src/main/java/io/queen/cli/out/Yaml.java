package io.queen.cli.out;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * YAML text of a JSON tree, block style: mappings as {@code key: value}, sequences as
 * {@code - item} indented under their key, empty containers as {@code {}} / {@code []}.
 * A string is written plain only when YAML reads it back as the same string (not a number,
 * boolean, null or date, no indicator characters); otherwise double-quoted with JSON escapes,
 * which YAML's double-quoted style reads the same way.
 */
public final class Yaml {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_./][A-Za-z0-9_./@+ -]*");
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "yes", "no", "on", "off", "y", "n", "~");

    private Yaml() {
    }

    /** The document for {@code node}, ending with a newline. */
    public static String write(JsonNode node) {
        StringBuilder out = new StringBuilder();
        if (isScalarOrEmpty(node)) {
            out.append(scalar(node)).append('\n');
        } else {
            block(node, out, 0);
        }
        return out.toString();
    }

    private static boolean isScalarOrEmpty(JsonNode node) {
        return node == null || node.isValueNode() || node.isNull() || node.isMissingNode() || node.isEmpty();
    }

    private static void block(JsonNode node, StringBuilder out, int depth) {
        String pad = "  ".repeat(depth);
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.append(pad).append(string(field.getKey())).append(':');
                value(field.getValue(), out, depth + 1);
            }
        } else {
            for (JsonNode element : node) {
                out.append(pad).append('-');
                if (isScalarOrEmpty(element)) {
                    out.append(' ').append(scalar(element)).append('\n');
                } else if (element.isObject()) {
                    StringBuilder inner = new StringBuilder();
                    block(element, inner, depth + 1);
                    // the first member goes on the dash's line
                    out.append(' ').append(inner, pad.length() + 2, inner.length());
                } else {
                    out.append('\n');
                    block(element, out, depth + 1);
                }
            }
        }
    }

    private static void value(JsonNode node, StringBuilder out, int depth) {
        if (isScalarOrEmpty(node)) {
            out.append(' ').append(scalar(node)).append('\n');
        } else {
            out.append('\n');
            block(node, out, depth);
        }
    }

    private static String scalar(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isObject()) {
            return "{}";
        }
        if (node.isArray()) {
            return "[]";
        }
        if (node.isTextual()) {
            return string(node.asText());
        }
        return node.asText();
    }

    /** {@code text} as a YAML scalar: plain when that reads back unchanged, else quoted. */
    static String string(String text) {
        boolean plain = PLAIN.matcher(text).matches()
                && !text.endsWith(" ")
                && !RESERVED.contains(text.toLowerCase(Locale.ROOT))
                && !text.startsWith("- ")
                && !text.equals("-")
                && !text.startsWith(".");
        return plain ? text : JsonText.quote(text);
    }
}
