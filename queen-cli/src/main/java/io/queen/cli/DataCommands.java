package io.queen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.out.Column;
import io.queen.cli.out.Format;
import io.queen.cli.out.JsonPath;
import io.queen.cli.out.Progress;
import io.queen.cli.out.Renderer;
import io.queen.cli.out.View;
import io.queen.client.Message;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The data plane: push, pop, ack, tail. */
final class DataCommands {
    static final View MESSAGES = View.of("$", Column.of("transaction-id", "transactionId"),
            Column.of("partition", "partition"), Column.of("created", "createdAt"), Column.of("data", "data"),
            Column.wide("partition-id", "partitionId"), Column.wide("lease-id", "leaseId"),
            Column.wide("group", "consumerGroup"), Column.wide("trace-id", "traceId"), Column.wide("id", "id"));

    private DataCommands() {
    }

    @Command(name = "push", description = {
        "Pushes messages read as NDJSON (one JSON value per line) from stdin or --file.",
        "Each line is the payload, or with --payload-field the part of it that is.",
        "Prints a summary (pushed, duplicates, buffered, failed); --results prints every item's result."})
    static final class Push extends Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read this file instead of stdin.")
        Path file;

        @Option(names = {"-d", "--data"}, paramLabel = "JSON", description = "Push this one payload (no input read).")
        String data;

        @Option(names = "--batch", defaultValue = "100", description = "Messages per push request (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = {"-p", "--partition"}, paramLabel = "NAME", description = "Partition of every message (default: Default).")
        String partition;

        @Option(names = {"-k", "--partition-key"}, paramLabel = "PATH",
                description = "JSONPath into each line whose value names its partition (e.g. customer.id).")
        String partitionKey;

        @Option(names = "--payload-field", paramLabel = "PATH",
                description = "JSONPath into each line of the payload (e.g. data, for lines printed by 'queen tail').")
        String payloadField;

        @Option(names = "--txid-field", paramLabel = "PATH",
                description = "JSONPath into each line of its transaction id (duplicates are then stored once).")
        String txidField;

        @Option(names = "--results", description = "Print each message's result instead of the summary.")
        boolean results;

        @Override
        void execute() throws IOException {
            if (batch < 1) {
                throw new Exit(Exit.USAGE, "--batch must be at least 1");
            }
            Lines lines = new Lines(partition, parse(partitionKey), parse(payloadField), parse(txidField));
            Counts counts = new Counts();
            ArrayNode all = Session.JSON.createArrayNode();
            long size = file != null ? Files.size(file) : -1;
            try (Progress progress = session().progress("push " + queue, size)) {
                if (data != null) {
                    send(List.of(lines.item(data, 1)), counts, all);
                } else {
                    try (InputStream in = file != null ? Files.newInputStream(file) : session().io().in()) {
                        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                        List<Api.Item> pending = new ArrayList<>();
                        String line;
                        long number = 0;
                        while ((line = reader.readLine()) != null) {
                            number++;
                            progress.advance(file != null ? line.length() + 1 : 1);
                            if (line.isBlank()) {
                                continue;
                            }
                            pending.add(lines.item(line, number));
                            if (pending.size() >= batch) {
                                send(pending, counts, all);
                                pending.clear();
                            }
                        }
                        send(pending, counts, all);
                    }
                }
            }
            session().print(results ? all : counts.json(), results ? View.of("$", Column.of("status", "status"),
                    Column.of("transaction-id", "transaction_id"), Column.of("message-id", "message_id"),
                    Column.wide("partition-id", "partition_id"), Column.wide("error", "error")) : View.AUTO);
            if (counts.failed > 0) {
                throw new Exit(Exit.UNAVAILABLE, counts.failed + " message(s) failed");
            }
        }

        private void send(List<Api.Item> items, Counts counts, ArrayNode all) {
            if (items.isEmpty()) {
                return;
            }
            for (JsonNode result : api().push(queue, items)) {
                counts.add(result.path("status").asText());
                if (results) {
                    all.add(result);
                }
            }
        }

        private static JsonPath parse(String path) {
            return path == null ? null : JsonPath.parse(path);
        }
    }

    /** Turns NDJSON lines into push items. */
    record Lines(String partition, JsonPath partitionKey, JsonPath payloadField, JsonPath txidField) {
        Api.Item item(String line, long number) {
            JsonNode value;
            try {
                value = Session.JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new Exit(Exit.USAGE, "line " + number + " is not JSON: " + e.getOriginalMessage());
            }
            JsonNode payload = payloadField == null ? value : payloadField.first(value);
            if (payload == null) {
                throw new Exit(Exit.USAGE, "line " + number + " has no " + payloadField);
            }
            return new Api.Item(pick(partitionKey, value, partition), payload, pick(txidField, value, null));
        }

        private static String pick(JsonPath path, JsonNode value, String otherwise) {
            if (path == null) {
                return otherwise;
            }
            JsonNode found = path.first(value);
            return found == null || found.isNull() ? otherwise : found.isValueNode() ? found.asText() : found.toString();
        }
    }

    /** How many messages ended how. */
    static final class Counts {
        long pushed;
        long duplicates;
        long buffered;
        long failed;

        void add(String status) {
            switch (status) {
                case "queued" -> pushed++;
                case "duplicate" -> duplicates++;
                case "buffered" -> buffered++;
                default -> failed++;
            }
        }

        ObjectNode json() {
            ObjectNode json = Session.JSON.createObjectNode();
            json.put("pushed", pushed);
            json.put("duplicates", duplicates);
            json.put("buffered", buffered);
            json.put("failed", failed);
            return json;
        }
    }

    /** Options that pick messages of a queue. */
    static class PopOptions {
        @Option(names = {"-p", "--partition"}, paramLabel = "NAME", description = "Only this partition.")
        String partition;

        @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "Consumer group (default: queue mode, competing consumers).")
        String group;

        @Option(names = "--subscription-mode", paramLabel = "MODE", description = "Where a new group starts: all (default) or new.")
        String subscriptionMode;

        @Option(names = "--subscription-from", paramLabel = "TIME", description = "Where a new group starts: now or an ISO-8601 time.")
        String subscriptionFrom;
    }

    @Command(name = "pop", description = "Takes messages of a queue (leased until acked, unless --auto-ack).")
    static final class Pop extends Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @picocli.CommandLine.Mixin
        PopOptions pick = new PopOptions();

        @Option(names = {"-n", "--batch"}, defaultValue = "1", description = "Most messages (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = {"-w", "--wait"}, paramLabel = "MS", description = "Long-poll: wait up to this long for messages.")
        Long waitMs;

        @Option(names = "--auto-ack", description = "Consume on delivery (no ack needed).")
        boolean autoAck;

        @Option(names = "--ack", description = "Ack what was printed as completed.")
        boolean ack;

        @Override
        void execute() {
            List<Message> messages = api().pop(new Api.PopRequest(queue, pick.partition, pick.group, batch,
                    waitMs != null, waitMs == null ? 0 : waitMs, autoAck, pick.subscriptionMode, pick.subscriptionFrom));
            session().print(Api.json(messages), MESSAGES);
            if (ack && !autoAck && !messages.isEmpty()) {
                Ack.check(api().ack(messages, "completed", null));
            }
        }
    }

    @Command(name = "ack", description = {"Acknowledges a message by its ids.",
        "To ack what you pop, use 'queen pop --ack' or 'queen tail --manual-ack'."})
    static final class Ack extends Base {
        static final View RESULTS = View.of("$", Column.of("transaction-id", "transactionId"),
                Column.of("success", "success"), Column.of("error", "error"), Column.wide("queue", "queueName"),
                Column.wide("partition", "partitionName"), Column.wide("dlq", "dlq"));

        @Parameters(index = "0", paramLabel = "PARTITION-ID")
        String partitionId;

        @Parameters(index = "1", paramLabel = "TRANSACTION-ID")
        String transactionId;

        @Option(names = {"-s", "--status"}, defaultValue = "completed",
                description = "completed, failed (retried, then dead-lettered), dlq or retry (default ${DEFAULT-VALUE}).")
        String status;

        @Option(names = {"-g", "--group"}, description = "Consumer group the message was popped for.")
        String group;

        @Option(names = "--lease", paramLabel = "LEASE-ID", description = "The pop's lease id.")
        String lease;

        @Option(names = {"-e", "--error"}, description = "Error text of a failed ack.")
        String error;

        @Override
        void execute() {
            JsonNode results = api().ack(List.of(Message.ref(transactionId, partitionId, lease, group)), status, error);
            session().print(results, RESULTS);
            check(results);
        }

        /** Exit 2 unless every ack succeeded. */
        static void check(JsonNode results) {
            for (JsonNode result : results) {
                if (!result.path("success").asBoolean(true)) {
                    throw new Exit(Exit.REFUSED, "ack of " + result.path("transactionId").asText() + " failed: "
                            + result.path("error").asText());
                }
            }
        }
    }

    @Command(name = "tail", description = {
        "Prints a queue's messages as NDJSON as they arrive.",
        "Other formats with -o.",
        "Reads as its own consumer group (default queen-tail), so other consumers keep theirs;",
        "the group starts at the oldest message unless --subscription-mode new.",
        "Without -f it stops when nothing is left; with -f it waits for more."})
    static final class Tail extends Base {
        static final String GROUP = "queen-tail";

        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @picocli.CommandLine.Mixin
        PopOptions pick = new PopOptions();

        @Option(names = {"-f", "--follow"}, description = "Keep waiting for new messages (until Ctrl-C or --limit).")
        boolean follow;

        @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Stop after this many messages.")
        Long limit;

        @Option(names = "--batch", defaultValue = "100", description = "Messages per pop (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--poll", paramLabel = "MS", defaultValue = "30000",
                description = "Long-poll time of one pop with -f (default ${DEFAULT-VALUE}).")
        long pollMs;

        @Option(names = "--manual-ack", description = "Ack each batch after printing it (at-least-once) instead of auto-ack on delivery.")
        boolean manualAck;

        @Override
        void execute() {
            String group = pick.group != null ? pick.group : GROUP;
            Format format = session().format(Format.NDJSON);
            long printed = 0;
            while (limit == null || printed < limit) {
                int size = (int) Math.min(batch, limit == null ? batch : limit - printed);
                List<Message> messages = api().pop(new Api.PopRequest(queue, pick.partition, group, size,
                        follow, follow ? pollMs : 0, !manualAck, pick.subscriptionMode, pick.subscriptionFrom));
                if (messages.isEmpty()) {
                    if (follow) {
                        continue;
                    }
                    break;
                }
                session().io().out().print(Renderer.render(Api.json(messages), MESSAGES, format));
                session().io().out().flush();
                if (manualAck) {
                    Ack.check(api().ack(messages, "completed", null));
                }
                printed += messages.size();
            }
        }
    }
}
