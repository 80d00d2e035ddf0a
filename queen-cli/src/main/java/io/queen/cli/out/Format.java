package io.queen.cli.out;

import picocli.CommandLine;

import java.util.Locale;

/**
 * An {@code -o} value: {@code table}, {@code wide}, {@code json}, {@code ndjson}, {@code yaml}
 * or {@code jsonpath=<expr>} (the expression is kept, parsed when used).
 */
public record Format(Kind kind, String expression) {
    public enum Kind { TABLE, WIDE, JSON, NDJSON, YAML, JSONPATH }

    public static final Format TABLE = new Format(Kind.TABLE, null);
    public static final Format JSON = new Format(Kind.JSON, null);
    public static final Format NDJSON = new Format(Kind.NDJSON, null);

    public static Format parse(String text) {
        String t = text.trim();
        int equals = t.indexOf('=');
        if (equals > 0 && t.substring(0, equals).equalsIgnoreCase("jsonpath")) {
            String expression = t.substring(equals + 1);
            JsonPath.parse(expression);
            return new Format(Kind.JSONPATH, expression);
        }
        try {
            Kind kind = Kind.valueOf(t.toUpperCase(Locale.ROOT));
            if (kind != Kind.JSONPATH) {
                return new Format(kind, null);
            }
        } catch (IllegalArgumentException unknown) {
            // reported below
        }
        throw new IllegalArgumentException("unknown output format '" + text
                + "' (table, wide, json, ndjson, yaml or jsonpath=<expr>)");
    }

    /** picocli's converter for {@code -o}. */
    public static final class Converter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
