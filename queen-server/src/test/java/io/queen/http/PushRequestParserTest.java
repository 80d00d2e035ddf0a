package io.queen.http;

import io.queen.queue.PushBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The push body parser on its own: envelope checks, defaults, and payloads kept as the client's JSON text. */
class PushRequestParserTest {

    private static PushBatch parse(String body) {
        return PushRequestParser.parse(body.getBytes(StandardCharsets.UTF_8), null);
    }

    /** A body with one item whose payload is the given JSON text, answering that item's stored payload. */
    private static String payloadOf(String payloadJson) {
        PushBatch batch = parse("{\"items\":[{\"queue\":\"q\",\"payload\":" + payloadJson + "}]}");
        assertEquals(1, batch.size());
        return batch.payload(0);
    }

    /** Parses a body that must be refused; answers the message (the status is always 400). */
    private static String refusal(String body) {
        ApiError e = assertThrows(ApiError.class, () -> parse(body), body);
        assertEquals(400, e.status, e.getMessage());
        return e.getMessage();
    }

    private static void assertItem(PushBatch batch, int i, String queue, String partition, String payload) {
        assertEquals(queue, batch.queue(i), "queue of item " + i);
        assertEquals(partition, batch.partition(i), "partition of item " + i);
        assertEquals(payload, batch.payload(i), "payload of item " + i);
    }

    private static String item(String fields) {
        return "{\"items\":[{" + fields + "}]}";
    }

    // ---- valid bodies ----

    @Test
    void itemsKeepTheirOrderAndFields() {
        String trace = "0190c6f2-8d3a-7b4e-9f00-0123456789ab";
        PushBatch batch = PushRequestParser.parse(("{\"items\":["
                + "{\"queue\":\"orders\",\"partition\":\"customer-42\",\"transactionId\":\"tx-1\","
                + "\"traceId\":\"" + trace + "\",\"payload\":{\"n\":1}},"
                + "{\"queue\":\"audit\",\"payload\":[2]}"
                + "]}").getBytes(StandardCharsets.UTF_8), "alice");
        assertEquals(2, batch.size());
        assertItem(batch, 0, "orders", "customer-42", "{\"n\":1}");
        assertEquals("tx-1", batch.transactionId(0));
        assertEquals(UUID.fromString(trace), batch.traceId(0));
        assertEquals("alice", batch.producer(0));
        assertItem(batch, 1, "audit", "Default", "[2]");
        assertEquals("alice", batch.producer(1));
    }

    @Test
    void aQueueAloneGetsTheDefaults() {
        PushBatch batch = parse(item("\"queue\":\"q\""));
        assertItem(batch, 0, "q", "Default", "{}");
        assertNull(batch.traceId(0));
        assertNull(batch.producer(0));
        // a generated idempotency key: a version 4 UUID, another one per item
        UUID generated = UUID.fromString(batch.transactionId(0));
        assertEquals(4, generated.version());
        assertNotEquals(batch.transactionId(0), parse(item("\"queue\":\"q\"")).transactionId(0));
    }

    @Test
    void emptyTransactionIdAndTraceIdMeanNotGiven() {
        PushBatch batch = parse(item("\"queue\":\"q\",\"transactionId\":\"\",\"traceId\":\"\""));
        assertEquals(4, UUID.fromString(batch.transactionId(0)).version());
        assertNull(batch.traceId(0));
    }

    @Test
    void anItemsOwnProducerIsNeverUsed() {
        PushBatch batch = PushRequestParser.parse(item("\"queue\":\"q\",\"producerSub\":\"mallory\"")
                .getBytes(StandardCharsets.UTF_8), "alice");
        assertEquals("alice", batch.producer(0));
        assertNull(parse(item("\"queue\":\"q\",\"producerSub\":\"mallory\"")).producer(0));
    }

    @Test
    void unknownFieldsAreSkippedWhateverTheyHold() {
        PushBatch batch = parse("{\"before\":{\"items\":[1]},\"items\":[{\"extra\":{\"queue\":\"no\"},"
                + "\"queue\":\"q\",\"more\":[[{\"payload\":1}]],\"payload\":7}],\"after\":[{}]}");
        assertEquals(1, batch.size());
        assertEquals("q", batch.queue(0));
        assertEquals("7", batch.payload(0));
    }

    @Test
    void anEmptyItemsArrayIsAnEmptyBatch() {
        assertTrue(parse("{\"items\":[]}").isEmpty());
        assertTrue(parse(" \n\t{ \"items\" : [ ] }\r\n ").isEmpty());
    }

    @Test
    void theLastItemsArrayWins() {
        PushBatch batch = parse("{\"items\":[{\"queue\":\"a\"},{\"queue\":\"b\"}],\"items\":[{\"queue\":\"c\"}]}");
        assertEquals(1, batch.size());
        assertEquals("c", batch.queue(0));
    }

    @Test
    void aRepeatedFieldTakesItsLastValue() {
        PushBatch batch = parse(item("\"queue\":\"a\",\"queue\":\"b\",\"payload\":1,\"payload\":{\"x\":2}"));
        assertItem(batch, 0, "b", "Default", "{\"x\":2}");
    }

    // ---- payloads ----

    @Test
    void containerPayloadsAreTheRequestBytesUnchanged() {
        String[] payloads = {
                "{}",
                "[]",
                "{ \"a\" : 1 ,\n\t\"b\" : [ true, false, null ] }",
                "{\"nested\":{\"deeper\":{\"deepest\":[[[\"x\"]]]}}}",
                "{\"unicode\":\"Grüße, 日本語, emoji \uD83D\uDE00\"}",
                "{\"escaped\":\"\\u00e9 \\\"quoted\\\" back\\\\slash \\n\\t\\/ \\uD83D\\uDE00\"}",
                "{\"numbers\":[1.50,-0,1e3,1.0E+2,12345678901234567890123]}",
                "[{\"a\":\"]}\"},\"}{\"]",
        };
        for (String payload : payloads) {
            assertEquals(payload, payloadOf(payload));
        }
    }

    @Test
    void byteOffsetsHoldAfterMultiByteCharacters() {
        // the slice is cut by byte offsets: characters of two, three and four bytes before the
        // payload must not shift it
        PushBatch batch = parse("{\"note\":\"é日\uD83D\uDE00\",\"items\":[{\"queue\":\"café\",\"partition\":\"日本\","
                + "\"payload\":{\"k\":\"ü\"}},{\"queue\":\"\uD83D\uDE00\",\"payload\":[\"€\"]}]}");
        assertItem(batch, 0, "café", "日本", "{\"k\":\"ü\"}");
        assertItem(batch, 1, "\uD83D\uDE00", "Default", "[\"€\"]");
    }

    @Test
    void scalarPayloadsKeepTheirJsonTypeAndNumbersTheirText() {
        for (String scalar : new String[]{"42", "-0", "1.50", "1e3", "-2.5E-7", "12345678901234567890123",
                "true", "false", "null", "\"hello\""}) {
            assertEquals(scalar, payloadOf(scalar));
        }
    }

    @Test
    void aStringPayloadIsReEncodedToTheSameString() {
        // unlike containers, a string payload is decoded and written again: the same JSON
        // string, not necessarily the same bytes (escapes of printable characters are resolved)
        assertEquals("\"é\"", payloadOf("\"\\u00e9\""));
        assertEquals("\"/\"", payloadOf("\"\\/\""));
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001\"", payloadOf("\"a\\\"b\\\\c\\nd\\te\\u0001\""));
        assertEquals("\"\\u2028\"", payloadOf("\"\u2028\""));
        assertEquals("\"日本 \uD83D\uDE00\"", payloadOf("\"日本 \uD83D\uDE00\""));
    }

    // ---- refusals ----

    @Test
    void anEmptyBodyIsRefused() {
        ApiError none = assertThrows(ApiError.class, () -> PushRequestParser.parse(null, null));
        assertEquals("Empty request body", none.getMessage());
        assertEquals("Empty request body", refusal(""));
        assertEquals("Empty request body", refusal(" \n\t "));
    }

    @Test
    void aBodyWithoutAnItemsArrayIsRefused() {
        for (String body : new String[]{"{}", "{\"item\":[]}", "{\"items\":{}}", "{\"items\":null}",
                "{\"items\":\"[]\"}", "[{\"queue\":\"q\"}]", "\"items\"", "42",
                "{\"items\":[{\"queue\":\"q\"}],\"items\":5}"}) {
            assertEquals("items array is required", refusal(body), body);
        }
    }

    @Test
    void malformedJsonIsRefusedWithoutParserInternals() {
        for (String body : new String[]{"{", "{\"items\":[", "{\"items\":[{\"queue\":\"q\"}", "{items:[]}",
                "{\"items\":[],}", "{\"items\":[{\"queue\":\"q\",\"payload\":{\"a\":}}]}", "nope",
                "{\"items\":[]} x", "\u00ff"}) {
            String message = refusal(body);
            assertTrue(message.startsWith("Invalid JSON: "), body + " -> " + message);
            assertTrue(message.length() > "Invalid JSON: ".length(), body + " -> " + message);
            assertTrue(!message.contains("[Source") && !message.contains("\n"), body + " -> " + message);
        }
    }

    @Test
    void contentAfterTheBodyIsRefused() {
        assertEquals("Invalid JSON: unexpected content after the JSON value", refusal("{\"items\":[]} {}"));
        assertEquals("Invalid JSON: unexpected content after the JSON value", refusal("{\"items\":[]}[]"));
    }

    @Test
    void eachItemMustBeAnObject() {
        for (String items : new String[]{"[1]", "[\"q\"]", "[null]", "[[]]", "[{\"queue\":\"q\"},true]"}) {
            assertEquals("Each item must be an object", refusal("{\"items\":" + items + "}"), items);
        }
    }

    @Test
    void fieldsOfTheWrongTypeAreRefused() {
        assertEquals("Queue must be a string", refusal(item("\"payload\":{}")));
        assertEquals("Queue must be a string", refusal(item("\"queue\":7")));
        assertEquals("Queue must be a string", refusal(item("\"queue\":null")));
        assertEquals("Queue must be a string", refusal(item("\"queue\":[\"q\"]")));
        assertEquals("Partition must be a string", refusal(item("\"queue\":\"q\",\"partition\":1")));
        assertEquals("Partition must be a string", refusal(item("\"queue\":\"q\",\"partition\":null")));
        assertEquals("TransactionId must be a string", refusal(item("\"queue\":\"q\",\"transactionId\":9")));
        assertEquals("TraceId must be a string", refusal(item("\"queue\":\"q\",\"traceId\":{}")));
        // the partition is checked first, then the queue, then the ids
        assertEquals("Partition must be a string", refusal(item("\"partition\":1,\"transactionId\":2")));
        assertEquals("Queue must be a string", refusal(item("\"transactionId\":2,\"traceId\":3")));
        assertEquals("TransactionId must be a string", refusal(item("\"queue\":\"q\",\"transactionId\":2,\"traceId\":3")));
    }

    @Test
    void aLaterItemsErrorRefusesTheWholeBody() {
        assertEquals("Queue must be a string", refusal("{\"items\":[{\"queue\":\"ok\"},{\"queue\":1}]}"));
    }

    @Test
    void aMalformedTraceIdIsRefused() {
        assertEquals("traceId must be a valid UUID, got 'abc'", refusal(item("\"queue\":\"q\",\"traceId\":\"abc\"")));
        // canonical form only: no braces, no missing hyphens, no extra characters
        for (String id : new String[]{"0190c6f28d3a7b4e9f000123456789ab", "{0190c6f2-8d3a-7b4e-9f00-0123456789ab}",
                "0190c6f2-8d3a-7b4e-9f00-0123456789abc", "0190c6f2-8d3a-7b4e-9f00-0123456789ag"}) {
            assertTrue(refusal(item("\"queue\":\"q\",\"traceId\":\"" + id + "\"")).startsWith("traceId must be a valid UUID"), id);
        }
        UUID upper = parse(item("\"queue\":\"q\",\"traceId\":\"0190C6F2-8D3A-7B4E-9F00-0123456789AB\"")).traceId(0);
        assertEquals(UUID.fromString("0190c6f2-8d3a-7b4e-9f00-0123456789ab"), upper);
    }

    // ---- limits ----

    @Test
    void queueNamesMustBeOneTo255Characters() {
        assertEquals("Queue name must not be empty", refusal(item("\"queue\":\"\"")));
        assertEquals("q".repeat(255), parse(item("\"queue\":\"" + "q".repeat(255) + "\"")).queue(0));
        assertEquals("Queue name is too long: 256 characters, at most 255",
                refusal(item("\"queue\":\"" + "q".repeat(256) + "\"")));
    }

    @Test
    void partitionNamesMayBeEmptyButAtMost255Characters() {
        assertEquals("", parse(item("\"queue\":\"q\",\"partition\":\"\"")).partition(0));
        assertEquals("p".repeat(255), parse(item("\"queue\":\"q\",\"partition\":\"" + "p".repeat(255) + "\"")).partition(0));
        assertEquals("Partition name is too long: 256 characters, at most 255",
                refusal(item("\"queue\":\"q\",\"partition\":\"" + "p".repeat(256) + "\"")));
    }

    @Test
    void transactionIdsAreAtMost512Characters() {
        assertEquals("t".repeat(512), parse(item("\"queue\":\"q\",\"transactionId\":\"" + "t".repeat(512) + "\""))
                .transactionId(0));
        assertEquals("transactionId is too long: 513 characters, at most 512",
                refusal(item("\"queue\":\"q\",\"transactionId\":\"" + "t".repeat(513) + "\"")));
    }

    @Test
    void lengthsCountCharactersNotBytes() {
        // 255 three-byte characters (765 bytes) are a valid name
        String name = "日".repeat(255);
        assertEquals(name, parse(item("\"queue\":\"" + name + "\"")).queue(0));
        assertTrue(refusal(item("\"queue\":\"" + name + "日\"")).startsWith("Queue name is too long: 256 characters"));
    }

    @Test
    void manyItemsAndALargePayloadPassUnchanged() {
        StringBuilder body = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 1000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"queue\":\"q\",\"partition\":\"p").append(i % 7)
                    .append("\",\"payload\":{\"i\":").append(i).append("}}");
        }
        PushBatch batch = parse(body.append("]}").toString());
        assertEquals(1000, batch.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals("{\"i\":" + i + "}", batch.payload(i));
            assertEquals("p" + (i % 7), batch.partition(i));
        }
        String big = "{\"blob\":\"" + "x".repeat(1 << 20) + "\"}";
        assertEquals(big, payloadOf(big));
    }
}
