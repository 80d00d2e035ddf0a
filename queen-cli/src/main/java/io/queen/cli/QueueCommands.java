package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.out.Column;
import io.queen.cli.out.View;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Queues and their partitions. */
final class QueueCommands {
    static final View PARTITIONS = View.of("partitions[*]", Column.of("name", "name"),
            Column.of("total", "stats.total"), Column.of("pending", "stats.pending"),
            Column.of("processing", "stats.processing"), Column.of("completed", "stats.completed"),
            Column.of("dead", "stats.deadLetter"), Column.wide("oldest", "oldestMessage"),
            Column.wide("newest", "newestMessage"), Column.wide("id", "id"), Column.wide("created", "createdAt"));

    static final Set<String> OPTIONS = Set.of("leaseTime", "maxSize", "ttl", "retryLimit", "retryDelay",
            "deadLetterQueue", "dlqAfterMaxRetries", "priority", "delayedProcessing", "windowBuffer",
            "retentionSeconds", "completedRetentionSeconds", "retentionEnabled", "encryptionEnabled",
            "maxWaitTimeSeconds");

    private QueueCommands() {
    }

    @Command(name = "queue", description = "Lists, describes, configures, clears and deletes queues.",
            subcommands = {Queue.List.class, Queue.Describe.class, Queue.Configure.class, Queue.Delete.class,
                Queue.Clear.class})
    static final class Queue extends Group {
        @Command(name = "list", aliases = "ls", description = "Every queue with its message counts (newest queue first).")
        static final class List extends Base {
            private static final View VIEW = View.of("queues", Column.of("name", "name"),
                    Column.of("namespace", "namespace"), Column.of("task", "task"),
                    Column.of("partitions", "partitions"), Column.of("total", "messages.total"),
                    Column.of("pending", "messages.pending"), Column.of("processing", "messages.processing"),
                    Column.wide("id", "id"), Column.wide("created", "createdAt"));

            @Override
            void execute() {
                session().print(api().queues(), VIEW);
            }
        }

        @Command(name = "describe", description = "One queue: its partitions and their counts (exit 2 if unknown).")
        static final class Describe extends Base {
            @Parameters(paramLabel = "QUEUE")
            String queue;

            @Override
            void execute() {
                JsonNode answer = api().queue(queue);
                if (session().format().kind() == io.queen.cli.out.Format.Kind.TABLE
                        || session().format().kind() == io.queen.cli.out.Format.Kind.WIDE) {
                    JsonNode totals = answer.path("totals");
                    session().io().out().printf("Queue: %s  namespace: %s  task: %s%nMessages: %s total, %s pending,"
                            + " %s processing, %s completed, %s dead%n%n",
                            answer.path("name").asText(), dash(answer.path("namespace")), dash(answer.path("task")),
                            totals.path("total").asText("0"), totals.path("pending").asText("0"),
                            totals.path("processing").asText("0"), totals.path("completed").asText("0"),
                            totals.path("deadLetter").asText("0"));
                    session().print(answer, PARTITIONS);
                } else {
                    session().print(answer, View.AUTO);
                }
            }

            private static String dash(JsonNode text) {
                return text.asText("").isEmpty() ? "-" : text.asText();
            }
        }

        @Command(name = "configure", description = {
            "Creates or reconfigures a queue. As on the server, options left out go back to their defaults.",
            "Options: leaseTime, maxSize, ttl, retryLimit, retryDelay, deadLetterQueue, dlqAfterMaxRetries,",
            "priority, delayedProcessing, windowBuffer, retentionSeconds, completedRetentionSeconds,",
            "retentionEnabled, encryptionEnabled, maxWaitTimeSeconds."})
        static final class Configure extends Base {
            @Parameters(paramLabel = "QUEUE")
            String queue;

            @Option(names = "--namespace")
            String namespace;

            @Option(names = "--task")
            String task;

            @Option(names = {"-s", "--set"}, paramLabel = "OPTION=VALUE",
                    description = "A queue option (repeatable), e.g. --set retryLimit=5 --set deadLetterQueue=true.")
            Map<String, String> set = new LinkedHashMap<>();

            @Override
            void execute() {
                ObjectNode options = Session.JSON.createObjectNode();
                for (Map.Entry<String, String> option : set.entrySet()) {
                    if (!OPTIONS.contains(option.getKey())) {
                        throw new Exit(Exit.USAGE, "unknown queue option '" + option.getKey() + "' (see --help)");
                    }
                    options.set(option.getKey(), value(option.getValue()));
                }
                session().print(api().configure(queue, namespace, task, options), View.of("$",
                        Column.of("queue", "queue"), Column.of("configured", "configured"),
                        Column.of("options", "options"), Column.wide("id", "queueId")));
            }

            private static JsonNode value(String text) {
                String t = text.trim();
                if (t.equals("true") || t.equals("false")) {
                    return Session.JSON.getNodeFactory().booleanNode(Boolean.parseBoolean(t));
                }
                try {
                    return Session.JSON.getNodeFactory().numberNode(Long.parseLong(t));
                } catch (NumberFormatException notNumber) {
                    throw new Exit(Exit.USAGE, "'" + text + "': queue options are numbers or true/false");
                }
            }
        }

        @Command(name = "delete", aliases = "rm", description = "Deletes a queue with its partitions, messages, consumer groups and dead letters.")
        static final class Delete extends Base {
            @Parameters(paramLabel = "QUEUE")
            String queue;

            @Override
            void execute() {
                session().print(api().deleteQueue(queue), View.of("$", Column.of("queue", "queue"),
                        Column.of("deleted", "deleted"), Column.of("existed", "existed")));
            }
        }

        @Command(name = "clear", description = {"Deletes every message of a queue, keeping the queue.",
            "Its options, partitions and consumer groups stay."})
        static final class Clear extends Base {
            @Parameters(paramLabel = "QUEUE")
            String queue;

            @Override
            void execute() {
                session().print(api().clearQueue(queue), View.AUTO);
            }
        }
    }

    @Command(name = "partition", aliases = "partitions", description = "Partitions of a queue.",
            subcommands = Partition.List.class)
    static final class Partition extends Group {
        @Command(name = "list", aliases = "ls", description = "Every partition of QUEUE with its message counts.")
        static final class List extends Base {
            @Parameters(paramLabel = "QUEUE")
            String queue;

            @Override
            void execute() {
                session().print(api().queue(queue), PARTITIONS);
            }
        }
    }
}
