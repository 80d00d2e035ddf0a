package io.queen.cli.out;

/**
 * One column of a table: its header, the JSONPath of its value relative to a row, and whether
 * only {@code -o wide} shows it.
 */
public record Column(String header, String path, boolean wide) {
    public static Column of(String header, String path) {
        return new Column(header, path, false);
    }

    public static Column wide(String header, String path) {
        return new Column(header, path, true);
    }
}
