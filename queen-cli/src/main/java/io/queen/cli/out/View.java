package io.queen.cli.out;

import java.util.List;

/**
 * How a command's answer looks as a table: where the rows are ({@code rows}, a JSONPath into
 * the answer; {@code "$"} when the answer itself is the list or the single row) and the
 * columns. Without columns the table shows every scalar member of the rows.
 */
public record View(String rows, List<Column> columns) {
    public static final View AUTO = new View("$", List.of());

    public static View of(String rows, Column... columns) {
        return new View(rows, List.of(columns));
    }
}
