package io.queen.buffer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.queen.queue.PushBatch;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The record format of buffer files: a 4-byte little-endian length, then that many bytes of
 * JSON {@code {queue, partition, payload, transactionId, traceId?, producerSub?, encrypted?, failover: true}}. The
 * payload is kept as the raw JSON text the client sent, in both directions.
 */
public final class BufferRecords {
    private static final JsonFactory JSON = new JsonFactory();

    /** One buffered push item. */
    public record Event(String queue, String partition, String transactionId, String payloadJson, UUID traceId,
                        String producerSub, boolean encrypted) {
    }

    private BufferRecords() {
    }

    /** Encodes every item of a batch; pure CPU work, fine on an event loop. */
    public static Buffer encode(PushBatch batch) {
        Buffer out = Buffer.buffer(batch.size() * 160);
        ByteArrayOutputStream json = new ByteArrayOutputStream(256);
        try {
            for (int i = 0; i < batch.size(); i++) {
                json.reset();
                try (JsonGenerator g = JSON.createGenerator(json)) {
                    g.writeStartObject();
                    g.writeStringField("queue", batch.queue(i));
                    g.writeStringField("partition", batch.partition(i));
                    g.writeFieldName("payload");
                    g.writeRawValue(batch.payload(i));
                    g.writeStringField("transactionId", batch.transactionId(i));
                    if (batch.traceId(i) != null) {
                        g.writeStringField("traceId", batch.traceId(i).toString());
                    }
                    if (batch.encrypted(i)) {
                        // the payload is the encrypted envelope: the replay must say so
                        g.writeBooleanField("encrypted", true);
                    }
                    if (batch.producer(i) != null) {
                        // who pushed, as authenticated at the time of the push
                        g.writeStringField("producerSub", batch.producer(i));
                    }
                    g.writeBooleanField("failover", true);
                    g.writeEndObject();
                }
                out.appendIntLE(json.size()).appendBytes(json.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Decodes a whole file. A record cut short at the end is ignored: it is what a crash in
     * the middle of a write leaves, and such a write was never acknowledged to the client.
     *
     * @throws IOException when a complete record is not valid (the file is then set aside)
     */
    public static List<Event> decode(byte[] data) throws IOException {
        List<Event> events = new ArrayList<>();
        Buffer buffer = Buffer.buffer(data);
        int at = 0;
        while (at + 4 <= data.length) {
            int length = buffer.getIntLE(at);
            if (length < 0 || at + 4 + length > data.length) {
                break;
            }
            events.add(event(data, at + 4, length));
            at += 4 + length;
        }
        return events;
    }

    /** Containers are cut out of the record as they are; scalars are re-encoded. */
    private static String rawValue(JsonParser p, JsonToken value, byte[] data, int offset) throws IOException {
        switch (value) {
            case START_OBJECT, START_ARRAY -> {
                // the parser counts byte offsets from the start of the record
                int start = offset + (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = offset + (int) p.currentLocation().getByteOffset();
                return new String(data, start, end - start, StandardCharsets.UTF_8);
            }
            case VALUE_STRING -> {
                return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(p.getText())) + "\"";
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getText();
            }
            case VALUE_TRUE -> {
                return "true";
            }
            case VALUE_FALSE -> {
                return "false";
            }
            default -> {
                return "null";
            }
        }
    }

    private static Event event(byte[] data, int offset, int length) throws IOException {
        String queue = null;
        String partition = "Default";
        String transactionId = null;
        String payload = "{}";
        UUID traceId = null;
        String producerSub = null;
        boolean encrypted = false;
        try (JsonParser p = JSON.createParser(data, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("buffer record is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "queue" -> queue = p.getValueAsString();
                    case "partition" -> partition = p.getValueAsString();
                    case "transactionId" -> transactionId = p.getValueAsString();
                    case "traceId" -> traceId = value == JsonToken.VALUE_STRING ? UUID.fromString(p.getText()) : null;
                    case "payload" -> payload = rawValue(p, value, data, offset);
                    case "producerSub" -> producerSub = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "encrypted" -> encrypted = value == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("bad traceId in buffer record", e);
        }
        if (queue == null || transactionId == null) {
            throw new IOException("buffer record without queue or transactionId");
        }
        return new Event(queue, partition, transactionId, payload, traceId, producerSub, encrypted);
    }
}
