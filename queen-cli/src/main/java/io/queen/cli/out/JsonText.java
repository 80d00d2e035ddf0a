package io.queen.cli.out;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON text of a tree in the two shapes the command line prints: pretty (two-space indent,
 * {@code "key": value}, empty containers as {@code {}} / {@code []}) and compact (one line).
 * Written here rather than with Jackson's printer so the output is fixed by this file alone.
 */
public final class JsonText {
    private JsonText() {
    }

    /** One line, no spaces: what an NDJSON line holds. */
    public static String compact(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, -1, 0);
        return out.toString();
    }

    /** Indented by two spaces per level; no trailing newline. */
    public static String pretty(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, 2, 0);
        return out.toString();
    }

    /** A JSON string literal (quotes and escapes) of {@code text}. */
    public static String quote(String text) {
        return new TextNode(text).toString();
    }

    private static void write(JsonNode node, StringBuilder out, int indent, int depth) {
        if (node == null || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            writeObject(node, out, indent, depth);
        } else if (node.isArray()) {
            writeArray(node, out, indent, depth);
        } else {
            out.append(node.toString());
        }
    }

    private static void writeObject(JsonNode node, StringBuilder out, int indent, int depth) {
        if (node.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        boolean first = true;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            separate(out, first, indent, depth + 1);
            first = false;
            out.append(quote(field.getKey())).append(indent < 0 ? ":" : ": ");
            write(field.getValue(), out, indent, depth + 1);
        }
        close(out, indent, depth, '}');
    }

    private static void writeArray(JsonNode node, StringBuilder out, int indent, int depth) {
        if (node.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (JsonNode element : node) {
            separate(out, first, indent, depth + 1);
            first = false;
            write(element, out, indent, depth + 1);
        }
        close(out, indent, depth, ']');
    }

    private static void separate(StringBuilder out, boolean first, int indent, int depth) {
        if (!first) {
            out.append(',');
        }
        newline(out, indent, depth);
    }

    private static void close(StringBuilder out, int indent, int depth, char bracket) {
        newline(out, indent, depth);
        out.append(bracket);
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }
}
