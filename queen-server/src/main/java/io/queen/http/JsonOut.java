package io.queen.http;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A small append-only JSON writer. Responses are written straight into text, and payloads
 * coming from PostgreSQL are inserted as the raw JSON they already are.
 */
public final class JsonOut {
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    /** true when the next value in the current object/array needs a leading comma */
    private boolean needComma;

    public JsonOut() {
        this(256);
    }

    public JsonOut(int capacity) {
        out = new StringBuilder(capacity);
    }

    public JsonOut beginObject() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    public JsonOut endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    public JsonOut beginArray() {
        comma();
        out.append('[');
        needComma = false;
        return this;
    }

    public JsonOut endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    public JsonOut name(String name) {
        comma();
        quote(name);
        out.append(':');
        needComma = false;
        return this;
    }

    public JsonOut value(String value) {
        comma();
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        needComma = true;
        return this;
    }

    /**
     * Numbers and booleans keep their JSON type; anything else is written as its string. A
     * number JSON cannot hold (NaN, an infinity: a rate over no time) is written as null.
     */
    public JsonOut value(Object value) {
        if ((value instanceof Double d && !Double.isFinite(d)) || (value instanceof Float f && !Float.isFinite(f))) {
            return value((String) null);
        }
        if (value instanceof Number || value instanceof Boolean) {
            comma();
            out.append(value);
            needComma = true;
            return this;
        }
        return value(value == null ? null : value.toString());
    }

    public JsonOut value(long value) {
        comma();
        out.append(value);
        needComma = true;
        return this;
    }

    public JsonOut value(Boolean value) {
        comma();
        out.append(value == null ? "null" : value.toString());
        needComma = true;
        return this;
    }

    /** Inserts text that is already valid JSON (a stored payload). */
    public JsonOut raw(String json) {
        comma();
        out.append(json == null ? "null" : json);
        needComma = true;
        return this;
    }

    public JsonOut field(String name, String value) {
        return name(name).value(value);
    }

    public JsonOut field(String name, Object value) {
        return name(name).value(value);
    }

    public JsonOut field(String name, long value) {
        return name(name).value(value);
    }

    public JsonOut field(String name, Boolean value) {
        return name(name).value(value);
    }

    public static String micros(OffsetDateTime time) {
        return time == null ? null : MICROS.format(time);
    }

    public static String millis(OffsetDateTime time) {
        return time == null ? null : MILLIS.format(time);
    }

    public static String millis(Instant time) {
        return time == null ? null : MILLIS.format(time);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (c == 0x2028 || c == 0x2029) {
                        out.append(c == 0x2028 ? "\\u2028" : "\\u2029");
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
