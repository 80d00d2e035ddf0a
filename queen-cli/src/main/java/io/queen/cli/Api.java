package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.client.Admin;
import io.queen.client.AckResult;
import io.queen.client.AckStatus;
import io.queen.client.Message;
import io.queen.client.OutgoingMessage;
import io.queen.client.PushResult;
import io.queen.client.Queen;
import io.queen.client.QueueOptions;
import io.queen.client.QueueRef;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The calls the commands make, over the Java client ({@link Queen}); every answer comes back
 * as a JSON tree for the renderers. No HTTP here: what the client does not offer is missing.
 */
final class Api implements AutoCloseable {
    /** One message to push. */
    record Item(String partition, JsonNode payload, String transactionId) {
    }

    /** One pop. {@code waitMs} counts only with {@code longPoll}. */
    record PopRequest(String queue, String partition, String group, int batch, boolean longPoll, long waitMs,
                      boolean autoAck, String subscriptionMode, String subscriptionFrom) {
    }

    private final Queen queen;
    private final Admin admin;

    Api(List<String> servers, String token) {
        Queen.Builder builder = Queen.builder().urls(servers.toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(3)).retries(1).closeGrace(Duration.ofSeconds(5));
        if (token != null) {
            builder.token(token);
        }
        this.queen = builder.build();
        this.admin = queen.admin();
    }

    JsonNode health() {
        return queen.health();
    }

    JsonNode metrics() {
        return admin.metrics();
    }

    String prometheus() {
        return admin.prometheus();
    }

    JsonNode overview() {
        return admin.overview();
    }

    JsonNode queues() {
        return admin.queues();
    }

    JsonNode queue(String name) {
        return admin.queue(name);
    }

    JsonNode configure(String queue, String namespace, String task, ObjectNode options) {
        QueueOptions.Builder builder = QueueOptions.builder().namespace(namespace).task(task);
        options.fields().forEachRemaining(option -> builder.option(option.getKey(), option.getValue()));
        return admin.configure(queue, builder.build());
    }

    JsonNode deleteQueue(String name) {
        boolean existed = admin.deleteQueue(name);
        ObjectNode answer = Session.JSON.createObjectNode();
        answer.put("deleted", true);
        answer.put("queue", name);
        answer.put("existed", existed);
        return answer;
    }

    JsonNode clearQueue(String name) {
        ObjectNode answer = Session.JSON.createObjectNode();
        answer.put("queue", name);
        answer.put("deleted", admin.clearQueue(name));
        return answer;
    }

    /** The server's per-item results, as the client reports them. */
    ArrayNode push(String queue, List<Item> items) {
        List<OutgoingMessage> messages = new ArrayList<>(items.size());
        for (Item item : items) {
            OutgoingMessage message = OutgoingMessage.of(item.payload());
            if (item.partition() != null) {
                message = message.partition(item.partition());
            }
            if (item.transactionId() != null) {
                message = message.transactionId(item.transactionId());
            }
            messages.add(message);
        }
        ArrayNode results = Session.JSON.createArrayNode();
        for (PushResult result : queen.queue(queue).push(messages)) {
            ObjectNode json = results.addObject();
            json.put("status", result.status());
            json.put("transaction_id", result.transactionId());
            json.put("message_id", result.messageId());
            json.put("partition_id", result.partitionId());
            json.put("queue", result.queue());
            if (result.error() != null) {
                json.put("error", result.error());
            }
        }
        return results;
    }

    List<Message> pop(PopRequest request) {
        QueueRef ref = queen.queue(request.queue()).batch(request.batch()).autoAck(request.autoAck());
        if (request.partition() != null) {
            ref = ref.partition(request.partition());
        }
        if (request.group() != null) {
            ref = ref.group(request.group());
        }
        if (request.longPoll()) {
            ref = ref.wait(true).timeout(Duration.ofMillis(request.waitMs()));
        }
        if (request.subscriptionMode() != null) {
            ref = ref.subscriptionMode(request.subscriptionMode());
        }
        if (request.subscriptionFrom() != null && !request.subscriptionFrom().equals("now")) {
            ref = ref.subscriptionFrom(time(request.subscriptionFrom()));
        } else if ("now".equals(request.subscriptionFrom())) {
            ref = ref.subscriptionMode("new");
        }
        return ref.pop();
    }

    /** The messages as the server sent them. */
    static ArrayNode json(List<Message> messages) {
        ArrayNode list = Session.JSON.createArrayNode();
        messages.forEach(message -> list.add(message.json()));
        return list;
    }

    ArrayNode ack(List<Message> messages, String status, String error) {
        AckStatus ackStatus = status(status);
        ArrayNode results = Session.JSON.createArrayNode();
        for (AckResult result : queen.ack(messages, ackStatus, error)) {
            ObjectNode json = results.addObject();
            json.put("transactionId", result.transactionId());
            json.put("success", result.success());
            json.put("error", result.error());
            json.put("queueName", result.queue());
            json.put("partitionName", result.partition());
            json.put("dlq", result.dlq());
        }
        return results;
    }

    static AckStatus status(String status) {
        try {
            return AckStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new Exit(Exit.USAGE, "ack status is completed, failed, dlq or retry, not '" + status + "'");
        }
    }

    JsonNode messages(Map<String, String> filters) {
        return admin.messages(filters);
    }

    JsonNode message(String partitionId, String transactionId) {
        return admin.message(partitionId, transactionId);
    }

    JsonNode deleteMessage(String partitionId, String transactionId) {
        boolean existed = admin.deleteMessage(partitionId, transactionId);
        ObjectNode answer = Session.JSON.createObjectNode();
        answer.put("success", existed);
        answer.put("partitionId", partitionId);
        answer.put("transactionId", transactionId);
        answer.put("message", existed ? "Message deleted successfully" : "Message not found");
        return answer;
    }

    JsonNode retryMessage(String partitionId, String transactionId) {
        return admin.retryMessage(partitionId, transactionId);
    }

    JsonNode dlqMessage(String partitionId, String transactionId, String group, String error) {
        return admin.moveToDlq(partitionId, transactionId, group, error);
    }

    JsonNode dlq(Map<String, String> filters) {
        return admin.dlq(filters);
    }

    JsonNode consumerGroups() {
        return admin.consumerGroups();
    }

    JsonNode consumerGroup(String group) {
        return admin.consumerGroup(group);
    }

    JsonNode lagging(long minLagSeconds) {
        return admin.laggingConsumerGroups(minLagSeconds);
    }

    JsonNode deleteGroup(String group, String queue, boolean deleteMetadata) {
        return queue == null ? admin.deleteConsumerGroup(group, deleteMetadata)
                : admin.deleteConsumerGroup(group, queue, deleteMetadata);
    }

    JsonNode seek(String group, String queue, boolean toEnd, String timestamp) {
        return toEnd ? admin.seekToEnd(group, queue) : admin.seek(group, queue, time(timestamp));
    }

    JsonNode seekPartition(String group, String queue, String partition) {
        return admin.seekPartitionToEnd(group, queue, partition);
    }

    JsonNode maintenance() {
        return admin.maintenance();
    }

    void setMaintenance(boolean enabled) {
        admin.maintenance(enabled);
    }

    JsonNode popMaintenance() {
        return admin.popMaintenance();
    }

    void setPopMaintenance(boolean enabled) {
        admin.popMaintenance(enabled);
    }

    JsonNode traces(String partitionId, String transactionId) {
        return admin.traces(partitionId, transactionId);
    }

    JsonNode tracesByName(String name, int limit, int offset) {
        return admin.tracesByName(name, limit, offset);
    }

    JsonNode traceNames(int limit, int offset) {
        return admin.traceNames(limit, offset);
    }

    /** An ISO-8601 instant ({@code 2024-05-01T10:00:00Z}) or date ({@code 2024-05-01}, midnight UTC). */
    static Instant time(String text) {
        try {
            return text.length() == 10 ? Instant.parse(text + "T00:00:00Z") : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new Exit(Exit.USAGE, "'" + text + "' is not an ISO-8601 time such as 2024-05-01T10:00:00Z");
        }
    }

    @Override
    public void close() {
        queen.close();
    }
}
