package io.queen.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.queen.queue.AckItem;
import io.queen.queue.ConsumerGroups;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a batch ack body (spec 3.5) in one streaming pass straight into the items the ack
 * takes: no JsonObject tree, no map per acknowledgment.
 *
 * <p>Every body gets the answer the tree reading gave it. The text is read by Vert.x's own
 * parser, as {@link Bodies#object} does, so malformed UTF-8, blank bodies, parser limits and
 * syntax errors come out the same; a repeated key counts by its last value, as in a map. Two
 * rules of the tree reading need care in one pass: a syntax error anywhere wins over every
 * other problem, and a top-level {@code consumerGroup}, which may come after the array, decides
 * whether the items' own groups are read at all. So a problem found in an item is held, one
 * for either case, and thrown only once the whole body has been read.
 */
final class AckRequestParser {
    /** What a batch acknowledges: its items, in order, for one consumer group. */
    record Batch(List<AckItem> items, String group) {
    }

    /** Stands in for a field's value of a JSON type other than string or null. */
    private static final Object NOT_A_STRING = new Object();

    private AckRequestParser() {
    }

    /** @param text the request body as text, or null */
    static Batch parse(String text) {
        if (text == null || text.isBlank()) {
            throw ApiError.badRequest("Empty request body");
        }
        try (JsonParser p = JacksonCodec.createParser(text)) {
            boolean isObject = p.nextToken() == JsonToken.START_OBJECT;
            Acknowledgments acks = null;
            Object group = null;
            if (isObject) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("acknowledgments".equals(field)) {
                        // a later key wins, as in a map: an earlier array and its problems are dropped
                        acks = null;
                        if (value == JsonToken.START_ARRAY) {
                            acks = readArray(p);
                        } else {
                            skip(p);
                        }
                    } else if ("consumerGroup".equals(field)) {
                        group = rawString(p, value);
                    } else {
                        skip(p);
                    }
                }
            } else {
                skip(p);
            }
            if (p.nextToken() != null) {
                // Vert.x's words for it, as the tree reading answered
                throw ApiError.badRequest("Invalid JSON: Unexpected trailing token");
            }
            if (!isObject) {
                throw ApiError.badRequest("Request body must be a JSON object");
            }
            if (acks == null) {
                throw ApiError.badRequest("acknowledgments array is required");
            }
            return acks.batch(Bodies.string(group, "consumerGroup"));
        } catch (IOException e) {
            throw ApiError.badRequest("Invalid JSON: " + Bodies.jsonProblem(e.getMessage()));
        }
    }

    /** From just inside the array to its end. */
    private static Acknowledgments readArray(JsonParser p) throws IOException {
        Acknowledgments acks = new Acknowledgments();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (acks.refusedInBothCases()) {
                // the answer is a 400 whatever follows: the rest is only checked to be JSON
                skip(p);
            } else {
                readItem(p, token, acks);
            }
        }
        return acks;
    }

    private static void readItem(JsonParser p, JsonToken token, Acknowledgments acks) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            skip(p);
            acks.refuse(ApiError.badRequest("Each acknowledgment must be an object"));
            return;
        }
        Object transactionId = null;
        Object partitionId = null;
        Object status = null;
        Object leaseId = null;
        Object error = null;
        Object group = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "transactionId" -> transactionId = rawString(p, value);
                case "partitionId" -> partitionId = rawString(p, value);
                case "status" -> status = rawString(p, value);
                case "leaseId" -> leaseId = rawString(p, value);
                case "error" -> error = rawString(p, value);
                case "consumerGroup" -> group = rawString(p, value);
                default -> skip(p);
            }
        }
        if (!(transactionId instanceof String)) {
            acks.refuse(ApiError.badRequest("Each acknowledgment must have a valid transactionId string"));
            return;
        }
        if (!(partitionId instanceof String)) {
            acks.refuse(ApiError.badRequest(
                    "Each acknowledgment must have a valid partitionId string to ensure message uniqueness"));
            return;
        }
        try {
            acks.add(group, AckFields.item((String) transactionId, (String) partitionId, status, leaseId, error));
        } catch (ApiError problem) {
            acks.addRefused(group, problem);
        }
    }

    /** A string's text, null for JSON null, {@link #NOT_A_STRING} (skipped) for anything else. */
    private static Object rawString(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        skip(p);
        return NOT_A_STRING;
    }

    /**
     * Passes over the value at hand as {@link JsonParser#skipChildren} does, but measures each
     * string in it: the tree reading decoded every string, and so refused one longer than the
     * parser's limit, which skipChildren alone never looks at. Only such a string is decoded,
     * to be refused with the parser's own error.
     */
    private static void skip(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        int depth = token != null && token.isStructStart() ? 1 : 0;
        int maxString = p.streamReadConstraints().getMaxStringLength();
        while (true) {
            if (token == JsonToken.VALUE_STRING && p.getTextLength() > maxString) {
                p.getText();
            }
            if (depth == 0 || (token = p.nextToken()) == null) {
                return;
            }
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            }
        }
    }

    /**
     * One {@code acknowledgments} array as read so far, with the first problem for either case
     * the top-level consumerGroup may turn out to be: given (any string, "" too), the items' own
     * groups are not read; absent or null, the first item that names a group sets it for the
     * call, and a later item naming one where an earlier named none is refused.
     */
    private static final class Acknowledgments {
        private final List<AckItem> items = new ArrayList<>();
        private ApiError problemWithGroup;
        private ApiError problemWithoutGroup;
        /** The group an item named, when the body names none. */
        private String itemGroup;
        private int count;

        /**
         * Whether the call is refused whatever the top-level consumerGroup turns out to be: a
         * problem not about groups holds in both cases.
         */
        boolean refusedInBothCases() {
            return problemWithGroup != null;
        }

        /** An item refused before its group is looked at. */
        void refuse(ApiError problem) {
            if (problemWithoutGroup == null) {
                problemWithoutGroup = problem;
            }
            if (problemWithGroup == null) {
                problemWithGroup = problem;
            }
            count++;
        }

        void add(Object group, AckItem item) {
            checkGroup(group);
            if (problemWithGroup == null) {
                items.add(item);
            }
            count++;
        }

        /** An item refused for a field checked after its group. */
        void addRefused(Object group, ApiError problem) {
            checkGroup(group);
            refuse(problem);
        }

        private void checkGroup(Object group) {
            if (problemWithoutGroup != null || itemGroup != null || group == null) {
                return;
            }
            String own;
            try {
                own = Bodies.string(group, "consumerGroup");
            } catch (ApiError problem) {
                problemWithoutGroup = problem;
                return;
            }
            if (own.isEmpty()) {
                return;
            }
            if (count > 0) {
                // every earlier item was accepted without a group
                problemWithoutGroup = ApiError.badRequest(
                        "All acknowledgments of one call must use the same consumerGroup");
            } else {
                itemGroup = own;
            }
        }

        /** @param group the top-level consumerGroup, already found a string or null */
        Batch batch(String group) {
            ApiError problem = group != null ? problemWithGroup : problemWithoutGroup;
            if (problem != null) {
                throw problem;
            }
            return new Batch(items, ConsumerGroups.orQueueMode(group != null ? group : itemGroup));
        }
    }
}
