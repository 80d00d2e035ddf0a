package io.queen.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.queen.queue.ConsumerGroups;
import io.queen.queue.PushBatch;
import io.queen.streams.CycleRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a streams cycle body (spec 3.17) with a streaming parser, like a push: the envelope is
 * validated, state values and sink payloads are cut out of the request as JSON text and never
 * become objects. The sink items are read by the push's own item reader, so they are checked
 * exactly as pushes are.
 */
final class CycleRequestParser {
    private static final JsonFactory JSON = new JsonFactory();
    /** State keys are part of the state's primary key: kept well inside a btree entry. */
    private static final int MAX_STATE_KEY = 512;

    private CycleRequestParser() {
    }

    /** @param producer the authenticated caller's {@code sub}, stamped on the sink pushes, or null */
    static CycleRequest parse(byte[] body, String producer) {
        if (body == null || body.length == 0) {
            throw ApiError.badRequest("Empty request body");
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiError.badRequest("request body must be a JSON object");
            }
            String queryId = null;
            String partitionId = null;
            String group = null;
            List<String> keys = new ArrayList<>();
            List<String> values = new ArrayList<>();
            PushBatch sink = new PushBatch();
            CycleRequest.SourceAck ack = null;
            boolean releaseLease = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "query_id" -> queryId = optionalText(p, value, "query_id");
                    case "partition_id" -> partitionId = optionalText(p, value, "partition_id");
                    case "consumer_group" -> group = optionalText(p, value, "consumer_group");
                    case "state_ops" -> {
                        keys.clear();
                        values.clear();
                        if (value != JsonToken.VALUE_NULL) {
                            expect(value, JsonToken.START_ARRAY, "state_ops must be an array");
                            readStateOps(p, body, keys, values);
                        }
                    }
                    case "push_items" -> {
                        sink = new PushBatch();
                        if (value != JsonToken.VALUE_NULL) {
                            expect(value, JsonToken.START_ARRAY, "push_items must be an array");
                            PushRequestParser.readItems(p, body, sink, producer);
                        }
                    }
                    case "ack" -> {
                        ack = null;
                        if (value != JsonToken.VALUE_NULL) {
                            expect(value, JsonToken.START_OBJECT, "ack must be an object or null");
                            ack = readAck(p);
                        }
                    }
                    case "release_lease" -> {
                        if (value != JsonToken.VALUE_NULL && !value.isBoolean()) {
                            throw ApiError.badRequest("release_lease must be a boolean");
                        }
                        releaseLease = value != JsonToken.VALUE_FALSE;
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw ApiError.badRequest("Invalid JSON: unexpected content after the JSON value");
            }
            if (queryId == null || queryId.isEmpty()) {
                throw ApiError.badRequest("query_id is required");
            }
            if (partitionId == null || partitionId.isEmpty()) {
                throw ApiError.badRequest("partition_id is required");
            }
            return new CycleRequest(Uuids.parse(queryId, "query_id"), Uuids.parse(partitionId, "partition_id"),
                    ConsumerGroups.orQueueMode(Names.name(group, "consumer_group")), keys, values, sink, ack,
                    releaseLease);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Invalid JSON: " + Bodies.jsonProblem(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiError.badRequest("Invalid JSON: " + Bodies.jsonProblem(e.getMessage()));
        }
    }

    /** {type: upsert|delete, key, value?}: an upsert without a value stores {} (as the reference). */
    private static void readStateOps(JsonParser p, byte[] body, List<String> keys, List<String> values)
            throws IOException {
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            int index = keys.size();
            expect(token, JsonToken.START_OBJECT, "state_ops[" + index + "] must be an object");
            String type = null;
            String key = null;
            String value = "{}";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> type = optionalText(p, v, "state_ops[" + index + "].type");
                    case "key" -> key = optionalText(p, v, "state_ops[" + index + "].key");
                    case "value" -> value = PushRequestParser.rawValue(p, body, v);
                    default -> p.skipChildren();
                }
            }
            if (!"upsert".equals(type) && !"delete".equals(type)) {
                throw ApiError.badRequest("state_ops[" + index + "].type must be 'upsert' or 'delete'");
            }
            if (key == null) {
                throw ApiError.badRequest("state_ops[" + index + "].key must be a string");
            }
            if (key.length() > MAX_STATE_KEY) {
                throw ApiError.badRequest("state_ops[" + index + "].key is too long: " + key.length()
                        + " characters, at most " + MAX_STATE_KEY);
            }
            if (key.indexOf('\u0000') >= 0) {
                throw ApiError.badRequest("state_ops[" + index + "].key must not contain \\u0000");
            }
            keys.add(key);
            values.add("delete".equals(type) ? null : value);
        }
    }

    private static CycleRequest.SourceAck readAck(JsonParser p) throws IOException {
        String transactionId = null;
        String leaseId = null;
        String status = null;
        String error = null;
        int count = 1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "transactionId" -> transactionId = optionalText(p, v, "ack.transactionId");
                case "leaseId" -> leaseId = optionalText(p, v, "ack.leaseId");
                case "status" -> status = optionalText(p, v, "ack.status");
                case "error" -> error = optionalText(p, v, "ack.error");
                case "count" -> {
                    if (v == JsonToken.VALUE_NULL) {
                        count = 1;
                    } else if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                            || p.getIntValue() < 1) {
                        throw ApiError.badRequest("ack.count must be a positive integer");
                    } else {
                        count = p.getIntValue();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (transactionId == null || transactionId.isEmpty()) {
            throw ApiError.badRequest("ack.transactionId is required");
        }
        return new CycleRequest.SourceAck(Names.transactionId(transactionId), Uuids.optional(leaseId, "ack.leaseId"),
                status == null || status.isEmpty() ? "completed" : status, error, count);
    }

    /** A string field's text; null for JSON null; any other type is refused. */
    private static String optionalText(JsonParser p, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw ApiError.badRequest(field + " must be a string");
        }
        return p.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected, String message) {
        if (actual != expected) {
            throw ApiError.badRequest(message);
        }
    }
}
