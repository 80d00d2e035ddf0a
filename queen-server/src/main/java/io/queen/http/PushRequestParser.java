package io.queen.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.queen.queue.PushBatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads a push body with a streaming parser: the envelope fields are validated, each payload
 * is cut out of the request bytes as-is. Payloads are never turned into objects.
 */
final class PushRequestParser {
    private static final JsonFactory JSON = new JsonFactory();

    private PushRequestParser() {
    }

    /**
     * @param producer the authenticated caller's {@code sub}, stamped on every item, or null;
     *                 an item's own {@code producerSub} is never used (spec 5.3)
     */
    static PushBatch parse(byte[] body, String producer) {
        if (body == null || body.length == 0) {
            throw ApiError.badRequest("Empty request body");
        }
        PushBatch batch = new PushBatch();
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw ApiError.badRequest("Empty request body");
            }
            boolean sawItems = false;
            if (first == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                        batch = new PushBatch();
                        readItems(p, body, batch, producer);
                        sawItems = true;
                    } else {
                        if ("items".equals(field)) {
                            sawItems = false;
                        }
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                throw ApiError.badRequest("Invalid JSON: unexpected content after the JSON value");
            }
            if (!sawItems) {
                throw ApiError.badRequest("items array is required");
            }
            return batch;
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Invalid JSON: " + Bodies.jsonProblem(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiError.badRequest("Invalid JSON: " + Bodies.jsonProblem(e.getMessage()));
        }
    }

    static void readItems(JsonParser p, byte[] body, PushBatch batch, String producer) throws IOException {
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                throw ApiError.badRequest("Each item must be an object");
            }
            String queue = null;
            String partition = "Default";
            String transactionId = null;
            String traceId = null;
            String payload = "{}";
            boolean badPartition = false;
            boolean badTransactionId = false;
            boolean badTraceId = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                boolean isString = value == JsonToken.VALUE_STRING;
                switch (field) {
                    case "queue":
                        queue = isString ? p.getText() : null;
                        break;
                    case "partition":
                        badPartition = !isString;
                        partition = isString ? p.getText() : partition;
                        break;
                    case "transactionId":
                        badTransactionId = !isString;
                        transactionId = isString ? p.getText() : null;
                        break;
                    case "traceId":
                        badTraceId = !isString;
                        traceId = isString ? p.getText() : null;
                        break;
                    case "payload":
                        payload = rawValue(p, body, value);
                        break;
                    default:
                        break;
                }
                p.skipChildren();
            }
            if (badPartition) {
                throw ApiError.badRequest("Partition must be a string");
            }
            if (queue == null) {
                throw ApiError.badRequest("Queue must be a string");
            }
            if (badTransactionId) {
                throw ApiError.badRequest("TransactionId must be a string");
            }
            if (badTraceId) {
                throw ApiError.badRequest("TraceId must be a string");
            }
            batch.add(Names.queue(queue), Names.name(partition, "Partition name"), Names.transactionId(transactionId),
                    payload, parseTraceId(traceId), producer);
        }
    }

    static UUID parseTraceId(String traceId) {
        if (traceId == null || traceId.isEmpty()) {
            return null;
        }
        return Uuids.parse(traceId, "traceId");
    }

    /** The value's JSON text: containers are sliced out of the body, scalars re-encoded. */
    static String rawValue(JsonParser p, byte[] body, JsonToken value) throws IOException {
        switch (value) {
            case START_OBJECT:
            case START_ARRAY: {
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                return new String(body, start, end - start, StandardCharsets.UTF_8);
            }
            case VALUE_STRING:
                return new JsonOut().value(p.getText()).toString();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getText();
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            default:
                return "null";
        }
    }
}
