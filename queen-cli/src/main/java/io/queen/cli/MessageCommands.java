package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.out.Column;
import io.queen.cli.out.Progress;
import io.queen.cli.out.View;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** Messages, dead letters and traces. */
final class MessageCommands {
    static final View DEAD_LETTERS = View.of("messages", Column.of("queue", "queue"),
            Column.of("partition", "partition"), Column.of("transaction-id", "transactionId"),
            Column.of("group", "consumerGroup"), Column.of("retries", "retryCount"), Column.of("error", "errorMessage"),
            Column.of("failed", "failedAt"), Column.wide("partition-id", "partitionId"), Column.wide("data", "data"),
            Column.wide("created", "createdAt"));

    private static final View RESULT = View.of("$", Column.of("success", "success"),
            Column.of("transaction-id", "transactionId"), Column.of("message", "message"), Column.of("error", "error"));

    private MessageCommands() {
    }

    /** The two ids of one message. */
    static class Address {
        @Parameters(index = "0", paramLabel = "PARTITION-ID")
        String partitionId;

        @Parameters(index = "1", paramLabel = "TRANSACTION-ID")
        String transactionId;
    }

    @Command(name = "messages", aliases = "message", description = "Lists, shows, deletes, retries and dead-letters messages.",
            subcommands = {Messages.List.class, Messages.Get.class, Messages.Delete.class, Messages.Retry.class,
                Messages.ToDlq.class})
    static final class Messages extends Group {
        @Command(name = "list", aliases = "ls", description = "Messages, newest first (by default those of the last hour).")
        static final class List extends Base {
            private static final View VIEW = View.of("messages", Column.of("queue", "queue"),
                    Column.of("partition", "partition"), Column.of("transaction-id", "transactionId"),
                    Column.of("status", "status"), Column.of("created", "createdAt"),
                    Column.wide("partition-id", "partitionId"), Column.wide("id", "id"),
                    Column.wide("trace-id", "traceId"), Column.wide("lease-expires", "leaseExpiresAt"));

            @Option(names = {"-q", "--queue"})
            String queue;

            @Option(names = {"-p", "--partition"})
            String partition;

            @Option(names = "--namespace")
            String namespace;

            @Option(names = "--task")
            String task;

            @Option(names = "--status", description = "pending, processing, completed or dead_letter.")
            String status;

            @Option(names = "--from", paramLabel = "TIME", description = "ISO-8601 (default: an hour ago).")
            String from;

            @Option(names = "--to", paramLabel = "TIME", description = "ISO-8601 (default: now).")
            String to;

            @Option(names = "--limit", defaultValue = "200")
            int limit;

            @Option(names = "--offset", defaultValue = "0")
            int offset;

            @Override
            void execute() {
                Map<String, String> filters = new LinkedHashMap<>();
                put(filters, "queue", queue);
                put(filters, "partition", partition);
                put(filters, "ns", namespace);
                put(filters, "task", task);
                put(filters, "status", status);
                put(filters, "from", from);
                put(filters, "to", to);
                filters.put("limit", Integer.toString(limit));
                filters.put("offset", Integer.toString(offset));
                session().print(api().messages(filters), VIEW);
            }
        }

        @Command(name = "get", description = "One message with its payload (exit 2 if unknown).")
        static final class Get extends Base {
            @picocli.CommandLine.Mixin
            Address address = new Address();

            @Override
            void execute() {
                session().print(api().message(address.partitionId, address.transactionId), View.of("$",
                        Column.of("queue", "queue"), Column.of("partition", "partition"),
                        Column.of("transaction-id", "transactionId"), Column.of("status", "status"),
                        Column.of("retries", "retryCount"), Column.of("payload", "payload"),
                        Column.wide("created", "createdAt"), Column.wide("error", "errorMessage"),
                        Column.wide("trace-id", "traceId")));
            }
        }

        @Command(name = "delete", aliases = "rm", description = "Deletes one message (exit 2 if it did not exist).")
        static final class Delete extends Base {
            @picocli.CommandLine.Mixin
            Address address = new Address();

            @Override
            void execute() {
                JsonNode answer = api().deleteMessage(address.partitionId, address.transactionId);
                session().print(answer, RESULT);
                requireSuccess(answer);
            }
        }

        @Command(name = "retry", description = "Puts a dead-lettered message back at the end of its partition.")
        static final class Retry extends Base {
            @picocli.CommandLine.Mixin
            Address address = new Address();

            @Override
            void execute() {
                JsonNode answer = api().retryMessage(address.partitionId, address.transactionId);
                session().print(answer, RESULT);
                requireSuccess(answer);
            }
        }

        @Command(name = "dlq", description = "Moves one message to the dead-letter queue.")
        static final class ToDlq extends Base {
            @picocli.CommandLine.Mixin
            Address address = new Address();

            @Option(names = {"-g", "--group"})
            String group;

            @Option(names = {"-e", "--error"}, description = "Error text to record.")
            String error;

            @Override
            void execute() {
                JsonNode answer = api().dlqMessage(address.partitionId, address.transactionId, group, error);
                session().print(answer, RESULT);
                requireSuccess(answer);
            }
        }
    }

    static void requireSuccess(JsonNode answer) {
        if (answer.has("success") && !answer.path("success").asBoolean()) {
            throw new Exit(Exit.REFUSED, answer.path("message").asText(answer.path("error").asText("refused")));
        }
    }

    private static void put(Map<String, String> filters, String name, String value) {
        if (value != null) {
            filters.put(name, value);
        }
    }

    /** Filters of the dead-letter listing. */
    static class DlqFilter {
        @Option(names = {"-q", "--queue"})
        String queue;

        @Option(names = {"-g", "--group"}, description = "Consumer group that dead-lettered the message.")
        String group;

        Map<String, String> filters(int limit, int offset) {
            Map<String, String> filters = new LinkedHashMap<>();
            put(filters, "queue", queue);
            put(filters, "consumerGroup", group);
            filters.put("limit", Integer.toString(limit));
            filters.put("offset", Integer.toString(offset));
            return filters;
        }
    }

    @Command(name = "dlq", description = "The dead-letter queue: list, requeue, drain.",
            subcommands = {Dlq.List.class, Dlq.Requeue.class, Dlq.Drain.class})
    static final class Dlq extends Group {
        @Command(name = "list", aliases = "ls", description = "Dead letters, most recent first.")
        static final class List extends Base {
            @picocli.CommandLine.Mixin
            DlqFilter filter = new DlqFilter();

            @Option(names = "--limit", defaultValue = "100")
            int limit;

            @Option(names = "--offset", defaultValue = "0")
            int offset;

            @Override
            void execute() {
                session().print(api().dlq(filter.filters(limit, offset)), DEAD_LETTERS);
            }
        }

        @Command(name = "requeue", description = {"Puts dead letters back at the end of their partitions:",
            "one by its ids, or --all of those the filters match."})
        static final class Requeue extends Base {
            @Parameters(arity = "0..2", paramLabel = "ID", description = "PARTITION-ID TRANSACTION-ID of one dead letter.")
            java.util.List<String> ids = new java.util.ArrayList<>();

            @Option(names = "--all", description = "Every dead letter the filters match.")
            boolean all;

            @picocli.CommandLine.Mixin
            DlqFilter filter = new DlqFilter();

            @Override
            void execute() {
                if (all ? !ids.isEmpty() : ids.size() != 2) {
                    throw new Exit(Exit.USAGE, "requeue needs PARTITION-ID TRANSACTION-ID, or --all");
                }
                if (all) {
                    session().print(drain(session(), filter, false), View.AUTO);
                } else {
                    JsonNode answer = api().retryMessage(ids.get(0), ids.get(1));
                    session().print(answer, RESULT);
                    requireSuccess(answer);
                }
            }
        }

        @Command(name = "drain", description = {"Requeues (or with --delete deletes) every dead letter the filters match,",
            "with a progress bar; prints how many."})
        static final class Drain extends Base {
            @picocli.CommandLine.Mixin
            DlqFilter filter = new DlqFilter();

            @Option(names = "--delete", description = "Delete the messages instead of requeueing them.")
            boolean delete;

            @Override
            void execute() {
                session().print(drain(session(), filter, delete), View.AUTO);
            }
        }

        /** Requeues or deletes dead letters page by page until none match (or none move). */
        static ObjectNode drain(Session session, DlqFilter filter, boolean delete) {
            Api api = session.api();
            long total = api.dlq(filter.filters(1, 0)).path("total").asLong(-1);
            long done = 0;
            long failed = 0;
            try (Progress progress = session.progress(delete ? "delete dead letters" : "requeue dead letters", total)) {
                int offset = 0;
                while (true) {
                    JsonNode page = api.dlq(filter.filters(200, offset)).path("messages");
                    if (page.isEmpty()) {
                        break;
                    }
                    int stuck = 0;
                    for (JsonNode letter : page) {
                        String partitionId = letter.path("partitionId").asText();
                        String transactionId = letter.path("transactionId").asText();
                        JsonNode answer = delete ? api.deleteMessage(partitionId, transactionId)
                                : api.retryMessage(partitionId, transactionId);
                        if (answer.path("success").asBoolean(true)) {
                            done++;
                        } else {
                            failed++;
                            stuck++;
                        }
                        progress.advance(1);
                    }
                    offset += stuck;
                }
            }
            ObjectNode answer = Session.JSON.createObjectNode();
            answer.put(delete ? "deleted" : "requeued", done);
            answer.put("failed", failed);
            return answer;
        }
    }

    @Command(name = "traces", description = {"Trace events of a message, by trace name, or the trace names.",
        "One message: PARTITION-ID TRANSACTION-ID; by name: --name NAME; the names in use: --names."})
    static final class Traces extends Base {
        @Parameters(arity = "0..2", paramLabel = "ID", description = "PARTITION-ID TRANSACTION-ID of a message.")
        java.util.List<String> ids = new java.util.ArrayList<>();

        @Option(names = "--name", description = "Events carrying this trace name.")
        String name;

        @Option(names = "--names", description = "The trace names in use, most recent first.")
        boolean names;

        @Option(names = "--limit", defaultValue = "100")
        int limit;

        @Option(names = "--offset", defaultValue = "0")
        int offset;

        @Override
        void execute() {
            if (names) {
                session().print(api().traceNames(limit, offset), View.of("trace_names", Column.of("name", "trace_name"),
                        Column.of("traces", "trace_count"), Column.of("messages", "message_count"),
                        Column.of("last-seen", "last_seen")));
            } else if (name != null) {
                session().print(api().tracesByName(name, limit, offset), View.of("traces",
                        Column.of("created", "created_at"), Column.of("queue", "queue_name"),
                        Column.of("partition", "partition_name"), Column.of("transaction-id", "transaction_id"),
                        Column.of("event", "event_type"), Column.of("data", "data"),
                        Column.wide("group", "consumer_group"), Column.wide("names", "trace_names")));
            } else if (ids.size() == 2) {
                session().print(api().traces(ids.get(0), ids.get(1)), View.of("traces",
                        Column.of("created", "created_at"), Column.of("event", "event_type"), Column.of("data", "data"),
                        Column.of("group", "consumer_group"), Column.wide("names", "trace_names"),
                        Column.wide("id", "id")));
            } else {
                throw new Exit(Exit.USAGE, "traces needs PARTITION-ID TRANSACTION-ID, --name NAME or --names");
            }
        }
    }
}
