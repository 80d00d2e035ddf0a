package io.queen.http;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.UUID;

/**
 * A small append-only JSON writer. Responses are written straight into UTF-8 bytes, ready to
 * send, and payloads coming from PostgreSQL are inserted as the raw JSON they already are.
 */
public final class JsonOut {
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    /** The answer as UTF-8, written in place: no text is built and encoded a second time. */
    private byte[] bytes;
    private int length;
    /** true when the next value in the current object/array needs a leading comma */
    private boolean needComma;

    public JsonOut() {
        this(256);
    }

    public JsonOut(int capacity) {
        bytes = new byte[Math.max(capacity, 16)];
    }

    public JsonOut beginObject() {
        comma();
        put((byte) '{');
        needComma = false;
        return this;
    }

    public JsonOut endObject() {
        put((byte) '}');
        needComma = true;
        return this;
    }

    public JsonOut beginArray() {
        comma();
        put((byte) '[');
        needComma = false;
        return this;
    }

    public JsonOut endArray() {
        put((byte) ']');
        needComma = true;
        return this;
    }

    public JsonOut name(String name) {
        comma();
        quote(name);
        put((byte) ':');
        needComma = false;
        return this;
    }

    public JsonOut value(String value) {
        comma();
        if (value == null) {
            put(NULL);
        } else {
            quote(value);
        }
        needComma = true;
        return this;
    }

    /** A UUID as its canonical string, written digit by digit (no String made for it). */
    public JsonOut value(UUID value) {
        comma();
        if (value == null) {
            put(NULL);
        } else {
            ensure(38);
            byte[] b = bytes;
            int at = length;
            b[at] = '"';
            long msb = value.getMostSignificantBits();
            long lsb = value.getLeastSignificantBits();
            hex(b, at + 1, msb >>> 32, 8);
            b[at + 9] = '-';
            hex(b, at + 10, msb >>> 16, 4);
            b[at + 14] = '-';
            hex(b, at + 15, msb, 4);
            b[at + 19] = '-';
            hex(b, at + 20, lsb >>> 48, 4);
            b[at + 24] = '-';
            hex(b, at + 25, lsb, 12);
            b[at + 37] = '"';
            length = at + 38;
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
        if (value instanceof Long || value instanceof Integer) {
            return value(((Number) value).longValue());
        }
        if (value instanceof Number || value instanceof Boolean) {
            comma();
            ascii(value.toString());
            needComma = true;
            return this;
        }
        if (value instanceof UUID u) {
            return value(u);
        }
        return value(value == null ? null : value.toString());
    }

    public JsonOut value(long value) {
        comma();
        if (value == Long.MIN_VALUE) {
            ascii(Long.toString(value));
        } else {
            ensure(20);
            if (value < 0) {
                bytes[length++] = '-';
                value = -value;
            }
            length += digits(bytes, length, value);
        }
        needComma = true;
        return this;
    }

    public JsonOut value(Boolean value) {
        comma();
        put(value == null ? NULL : value ? TRUE : FALSE);
        needComma = true;
        return this;
    }

    /** Inserts text that is already valid JSON (a stored payload). */
    public JsonOut raw(String json) {
        comma();
        if (json == null) {
            put(NULL);
        } else {
            utf8(json);
        }
        needComma = true;
        return this;
    }

    public JsonOut field(String name, String value) {
        return name(name).value(value);
    }

    public JsonOut field(String name, UUID value) {
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

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ} in UTC (see {@link #micros(long)}). */
    public static String micros(OffsetDateTime time) {
        return time == null ? null : micros(time.toEpochSecond() * 1_000_000L + time.getNano() / 1000);
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ} in UTC of a time in microseconds since 1970, made by hand
     * from the number: it is written for every popped message, which the database hands over as
     * that number so that no date object is built per message.
     */
    public static String micros(long epochMicros) {
        long days = Math.floorDiv(epochMicros, MICROS_PER_DAY);
        long inDay = Math.floorMod(epochMicros, MICROS_PER_DAY);
        // the proleptic Gregorian date of a day number: counted in 400-year eras from 0000-03-01,
        // so that the leap day falls at the end of each year of the count
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long shiftedMonth = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 1 || year > 9999) {
            return MICROS_WIDE.format(Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                    Math.floorMod(epochMicros, 1_000_000L) * 1000));
        }
        long seconds = inDay / 1_000_000;
        byte[] b = new byte[27];
        fixed(b, 0, (int) year, 4);
        b[4] = '-';
        fixed(b, 5, month, 2);
        b[7] = '-';
        fixed(b, 8, day, 2);
        b[10] = 'T';
        fixed(b, 11, (int) (seconds / 3600), 2);
        b[13] = ':';
        fixed(b, 14, (int) (seconds / 60 % 60), 2);
        b[16] = ':';
        fixed(b, 17, (int) (seconds % 60), 2);
        b[19] = '.';
        fixed(b, 20, (int) (inDay % 1_000_000), 6);
        b[26] = 'Z';
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** For years outside 0001–9999, which the hand-made form does not cover. */
    private static final DateTimeFormatter MICROS_WIDE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public static String millis(OffsetDateTime time) {
        return time == null ? null : MILLIS.format(time);
    }

    public static String millis(Instant time) {
        return time == null ? null : MILLIS.format(time);
    }

    /** The JSON written so far, as a buffer to send (it shares this writer's bytes). */
    public Buffer toBuffer() {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, 0, length));
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private void comma() {
        if (needComma) {
            put((byte) ',');
        }
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    private void put(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
    }

    /** Text known to be ASCII (numbers). */
    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
    }

    /** Text as UTF-8, unescaped; a lone surrogate becomes '?', as String#getBytes makes it. */
    private void utf8(String s) {
        int n = s.length();
        ensure(n);
        int i = 0;
        // the common case: ASCII all along, one byte a character, room already made
        byte[] b = bytes;
        int at = length;
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            b[at++] = (byte) c;
            i++;
        }
        length = at;
        for (; i < n; i++) {
            i = encode(s, i);
        }
    }

    /** Writes the character at {@code i} (a pair when it starts one) and returns the index of its last char. */
    private int encode(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x80) {
            put((byte) c);
            return i;
        }
        ensure(4);
        byte[] b = bytes;
        if (c < 0x800) {
            b[length++] = (byte) (0xC0 | (c >> 6));
            b[length++] = (byte) (0x80 | (c & 0x3F));
            return i;
        }
        if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(i + 1));
                b[length++] = (byte) (0xF0 | (cp >> 18));
                b[length++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[length++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[length++] = (byte) (0x80 | (cp & 0x3F));
                return i + 1;
            }
            b[length++] = '?';
            return i;
        }
        b[length++] = (byte) (0xE0 | (c >> 12));
        b[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[length++] = (byte) (0x80 | (c & 0x3F));
        return i;
    }

    private void quote(String s) {
        int n = s.length();
        ensure(n + 2);
        byte[] b = bytes;
        int at = length;
        b[at++] = '"';
        int i = 0;
        // plain printable ASCII goes straight in; anything else takes the careful path
        while (i < n) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                break;
            }
            b[at++] = (byte) c;
            i++;
        }
        length = at;
        for (; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': escape('"'); break;
                case '\\': escape('\\'); break;
                case '\n': escape('n'); break;
                case '\r': escape('r'); break;
                case '\t': escape('t'); break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        ensure(6);
                        bytes[length++] = '\\';
                        bytes[length++] = 'u';
                        bytes[length++] = (byte) HEX[c >> 12];
                        bytes[length++] = (byte) HEX[(c >> 8) & 0xF];
                        bytes[length++] = (byte) HEX[(c >> 4) & 0xF];
                        bytes[length++] = (byte) HEX[c & 0xF];
                    } else {
                        i = encode(s, i);
                    }
            }
        }
        put((byte) '"');
    }

    private void escape(char c) {
        ensure(2);
        bytes[length++] = '\\';
        bytes[length++] = (byte) c;
    }

    /** The low {@code count} hex digits of {@code bits}, most significant first. */
    private static void hex(byte[] b, int at, long bits, int count) {
        for (int i = count - 1; i >= 0; i--) {
            b[at + i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
    }

    /** {@code value} (not negative) in exactly {@code width} digits, zero-padded. */
    private static void fixed(byte[] b, int at, int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            b[at + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Writes {@code value} (not negative) and returns how many digits it took. */
    private static int digits(byte[] b, int at, long value) {
        int n = 1;
        for (long v = value; v >= 10; v /= 10) {
            n++;
        }
        for (int i = at + n - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return n;
    }
}
