package io.queen.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The response writer: structure and commas, string escaping, raw payloads, numbers, nulls and times. */
class JsonOutTest {

    /** The string value as JsonOut writes it, alone. */
    private static String quoted(String s) {
        return new JsonOut().value(s).toString();
    }

    /** What a JSON parser reads back from a single string value. */
    private static String readBack(String json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.VALUE_STRING, p.nextToken(), json);
            String text = p.getText();
            assertNull(p.nextToken(), json);
            return text;
        }
    }

    @Test
    void commasGoBetweenValuesAtEveryLevel() {
        String json = new JsonOut()
                .beginObject()
                .field("a", 1)
                .name("list").beginArray().value(1L).value("two").beginObject().endObject().beginArray().endArray()
                .raw("{\"r\":1}").endArray()
                .name("empty").beginObject().endObject()
                .field("b", "x")
                .endObject()
                .toString();
        assertEquals("{\"a\":1,\"list\":[1,\"two\",{},[],{\"r\":1}],\"empty\":{},\"b\":\"x\"}", json);
    }

    @Test
    void topLevelArraysOfObjects() {
        JsonOut out = new JsonOut().beginArray();
        for (int i = 0; i < 3; i++) {
            out.beginObject().field("i", (long) i).endObject();
        }
        assertEquals("[{\"i\":0},{\"i\":1},{\"i\":2}]", out.endArray().toString());
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertEquals("\"a\\\"b\"", quoted("a\"b"));
        assertEquals("\"a\\\\b\"", quoted("a\\b"));
        assertEquals("\"\\n\\r\\t\"", quoted("\n\r\t"));
        assertEquals("\"\\u0000\\u0001\\u0008\\u000c\\u001f\"", quoted("\u0000\u0001\b\f\u001f"));
        // the JavaScript line separators, which break a script that embeds the JSON
        assertEquals("\"\\u2028\\u2029\"", quoted("\u2028\u2029"));
        // what needs no escape is written as it is
        assertEquals("\" /<>'&\u007f\"", quoted(" /<>'&\u007f"));
        assertEquals("\"é日本\uD83D\uDE00\"", quoted("é日本\uD83D\uDE00"));
    }

    @Test
    void everyCharacterRoundTripsThroughAParser() throws IOException {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate(c)) {
                all.append(c);
            }
        }
        all.append("\uD83D\uDE00\uFFFF");
        String s = all.toString();
        assertEquals(s, readBack(quoted(s)));
    }

    @Test
    void namesAreEscapedLikeValues() {
        assertEquals("{\"a\\\"b\\n\":\"v\"}", new JsonOut().beginObject().field("a\"b\n", "v").endObject().toString());
    }

    @Test
    void rawTextIsInsertedUnchanged() {
        String payload = "{ \"a\" : [1, 2.50, \"\\u00e9\"],\n \"b\": null }";
        assertEquals("{\"payload\":" + payload + ",\"n\":1}",
                new JsonOut().beginObject().name("payload").raw(payload).field("n", 1L).endObject().toString());
        assertEquals("[\"x\",42,true]", new JsonOut().beginArray().value("x").raw("42").raw("true").endArray().toString());
    }

    @Test
    void nullsAreWrittenAsJsonNull() {
        String json = new JsonOut().beginObject()
                .field("s", (String) null)
                .field("o", (Object) null)
                .field("b", (Boolean) null)
                .name("r").raw(null)
                .endObject().toString();
        assertEquals("{\"s\":null,\"o\":null,\"b\":null,\"r\":null}", json);
    }

    @Test
    void numbersAndBooleansKeepTheirType() {
        String json = new JsonOut().beginArray()
                .value(Long.MAX_VALUE).value(Long.MIN_VALUE).value(0L)
                .value((Object) 7).value((Object) (short) -3).value((Object) 2.5).value((Object) 1.5f)
                .value((Object) new BigDecimal("12345678901234567890.000001"))
                .value((Object) new BigInteger("123456789012345678901234567890"))
                .value(Boolean.TRUE).value((Object) Boolean.FALSE)
                .endArray().toString();
        assertEquals("[9223372036854775807,-9223372036854775808,0,7,-3,2.5,1.5,12345678901234567890.000001,"
                + "123456789012345678901234567890,true,false]", json);
    }

    @Test
    void otherObjectsAreWrittenAsTheirString() {
        UUID id = UUID.fromString("0190c6f2-8d3a-7b4e-9f00-0123456789ab");
        Object quoting = new Object() {
            @Override
            public String toString() {
                return "say \"hi\"";
            }
        };
        assertEquals("[\"0190c6f2-8d3a-7b4e-9f00-0123456789ab\",\"say \\\"hi\\\"\",\"x\"]",
                new JsonOut().beginArray().value(id).value(quoting).value((Object) 'x').endArray().toString());
        assertEquals("{\"id\":\"0190c6f2-8d3a-7b4e-9f00-0123456789ab\"}",
                new JsonOut().beginObject().field("id", (Object) id).endObject().toString());
    }

    @Test
    void timesAreUtcWithFixedPrecision() {
        OffsetDateTime t = OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 890_123_456, ZoneOffset.ofHours(2));
        assertEquals("2026-03-04T03:06:07.890123Z", JsonOut.micros(t));
        assertEquals("2026-03-04T03:06:07.890Z", JsonOut.millis(t));
        assertEquals("2026-03-04T03:06:07.000000Z", JsonOut.micros(t.withNano(0)));
        assertEquals("1970-01-01T00:00:00.001Z", JsonOut.millis(Instant.ofEpochMilli(1)));
        assertNull(JsonOut.micros(null));
        assertNull(JsonOut.millis((OffsetDateTime) null));
        assertNull(JsonOut.millis((Instant) null));
        // a missing time is a JSON null, not the string "null"
        assertEquals("{\"t\":null}", new JsonOut().beginObject().field("t", JsonOut.millis((Instant) null))
                .endObject().toString());
    }

    @Test
    void theInitialCapacityIsOnlyAHint() {
        JsonOut out = new JsonOut(1).beginArray();
        for (int i = 0; i < 500; i++) {
            out.value("v" + i);
        }
        String json = out.endArray().toString();
        assertEquals(500, json.split(",").length);
        assertEquals("[\"v0\",", json.substring(0, 6));
        assertEquals(",\"v499\"]", json.substring(json.length() - 8));
    }

    @Test
    void numbersJsonCannotHoldAreWrittenAsNull() {
        assertEquals("[null,null,null,1.5]", new JsonOut().beginArray().value((Object) Double.NaN)
                .value((Object) Double.POSITIVE_INFINITY).value((Object) Float.NEGATIVE_INFINITY).value((Object) 1.5)
                .endArray().toString());
    }

    @Test
    void theBufferHoldsTheUtf8OfTheText() {
        JsonOut out = new JsonOut(4).beginObject().field("q", "é日本\uD83D\uDE00").name("p").raw("{\"ü\":1}")
                .field("id", java.util.UUID.fromString("0190C6F2-8D3A-7B4E-9F00-0123456789AB")).endObject();
        String text = "{\"q\":\"é日本\uD83D\uDE00\",\"p\":{\"ü\":1},\"id\":\"0190c6f2-8d3a-7b4e-9f00-0123456789ab\"}";
        assertEquals(text, out.toString());
        assertEquals(text, out.toBuffer().toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aLoneSurrogateIsWrittenAsAQuestionMarkAsJavaEncodesIt() {
        assertEquals("\"a?b?\"", quoted("a\uD83Db\uDE00"));
        assertEquals("[a?]", new JsonOut().beginArray().raw("a\uD83D").endArray().toString());
    }

    @Test
    void microsecondTimesOfEveryYearWidth() {
        assertEquals("0099-12-31T23:59:59.999999Z",
                JsonOut.micros(OffsetDateTime.parse("0099-12-31T23:59:59.999999999Z")));
        assertEquals(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                        .format(OffsetDateTime.parse("+12026-01-02T03:04:05Z")),
                JsonOut.micros(OffsetDateTime.parse("+12026-01-02T03:04:05Z")));
    }

    /** The hand-made date of a number of microseconds agrees with java.time's, leap days and all. */
    @Test
    void microsecondsSince1970AreFormattedAsJavaTimeDoes() {
        java.time.format.DateTimeFormatter reference =
                java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
        java.util.Random random = new java.util.Random(1970);
        long[] fixed = {0, -1, 1, 951_782_400_000_000L /* 2000-02-29 */, 4_107_542_399_999_999L /* 2100-02-28 end */,
                -62_135_596_800_000_000L /* 0001-01-01 */, 253_402_300_799_999_999L /* 9999-12-31 end */,
                -62_167_219_200_000_000L /* 0000-01-01, year-of-era 0001 as the fallback writes it */};
        for (long micros : fixed) {
            assertEquals(reference.format(instant(micros)), JsonOut.micros(micros), "at " + micros);
        }
        for (int i = 0; i < 200_000; i++) {
            long micros = random.nextLong() % 253_402_300_800_000_000L;
            assertEquals(reference.format(instant(micros)), JsonOut.micros(micros), "at " + micros);
        }
        assertEquals("2026-03-04T03:06:07.890123Z",
                JsonOut.micros(OffsetDateTime.of(2026, 3, 4, 5, 6, 7, 890_123_456, ZoneOffset.ofHours(2))
                        .toEpochSecond() * 1_000_000L + 890_123));
        // outside 0000-9999 java.time's own form
        long far = 10_000L * 366 * 86_400 * 1_000_000L;
        assertEquals(reference.format(instant(far)), JsonOut.micros(far));
        assertEquals(reference.format(instant(-far)), JsonOut.micros(-far));
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }
}
