package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.out.Column;
import io.queen.cli.out.View;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Iterator;
import java.util.Map;

/** Consumer groups: list, describe, lag, seek, delete; replay and seek at the top level. */
final class GroupCommands {
    private GroupCommands() {
    }

    @Command(name = "cg", aliases = "consumer-groups", description = "Consumer groups.",
            subcommands = {Cg.List.class, Cg.Describe.class, Cg.Lag.class, Seek.class, Cg.Delete.class})
    static final class Cg extends Group {
        @Command(name = "list", aliases = "ls", description = "Every (group, queue) pair with its lag and state.")
        static final class List extends Base {
            private static final View VIEW = View.of("$", Column.of("group", "name"), Column.of("queue", "queueName"),
                    Column.of("partitions", "members"), Column.of("lagging", "partitionsWithLag"),
                    Column.of("max-lag-s", "maxTimeLag"), Column.of("state", "state"),
                    Column.wide("mode", "subscriptionMode"), Column.wide("subscribed-at", "subscriptionTimestamp"));

            @Option(names = {"-q", "--queue"}, description = "Only groups reading this queue.")
            String queue;

            @Override
            void execute() {
                ArrayNode kept = Session.JSON.createArrayNode();
                for (JsonNode group : api().consumerGroups()) {
                    if (queue == null || queue.equals(group.path("queueName").asText())) {
                        kept.add(group);
                    }
                }
                session().print(kept, VIEW);
            }
        }

        @Command(name = "describe", description = "A group's partitions, queue by queue, with their lag (exit 2 if it has none).")
        static final class Describe extends Base {
            private static final View VIEW = View.of("$", Column.of("queue", "queue"), Column.of("partition", "partition"),
                    Column.of("consumed", "totalConsumed"), Column.of("offset-lag", "offsetLag"),
                    Column.of("time-lag-s", "timeLagSeconds"), Column.of("leased", "leaseActive"),
                    Column.wide("last-consumed", "lastConsumedAt"), Column.wide("worker", "workerId"));

            @Parameters(paramLabel = "GROUP")
            String group;

            @Override
            void execute() {
                JsonNode answer = api().consumerGroup(group);
                ArrayNode rows = Session.JSON.createArrayNode();
                Iterator<Map.Entry<String, JsonNode>> queues = answer.fields();
                while (queues.hasNext()) {
                    Map.Entry<String, JsonNode> queue = queues.next();
                    for (JsonNode partition : queue.getValue().path("partitions")) {
                        ObjectNode row = rows.addObject();
                        row.put("queue", queue.getKey());
                        row.setAll((ObjectNode) partition);
                    }
                }
                if (rows.isEmpty()) {
                    throw new Exit(Exit.REFUSED, "consumer group '" + group + "' not found");
                }
                session().print(rows, VIEW);
            }
        }

        @Command(name = "lag", description = "A group's lagging partitions, most lagging first.")
        static final class Lag extends Base {
            @Parameters(paramLabel = "GROUP")
            String group;

            @Option(names = {"-q", "--queue"})
            String queue;

            @Option(names = "--min-lag", paramLabel = "SECONDS", defaultValue = "0")
            long minLag;

            @Override
            void execute() {
                session().print(Commands.Lag.lagging(api(), minLag, queue, group), Commands.Lag.VIEW);
            }
        }

        @Command(name = "delete", aliases = "rm", description = "Deletes a group's positions (on every queue, or one).")
        static final class Delete extends Base {
            @Parameters(paramLabel = "GROUP")
            String group;

            @Option(names = {"-q", "--queue"}, description = "Only on this queue.")
            String queue;

            @Option(names = "--keep-metadata", description = "Keep the group's subscription metadata.")
            boolean keepMetadata;

            @Override
            void execute() {
                session().print(api().deleteGroup(group, queue, !keepMetadata), View.of("$",
                        Column.of("group", "consumerGroup"), Column.of("queue", "queueName"),
                        Column.of("deleted-partitions", "deletedPartitions"), Column.of("metadata-deleted", "metadataDeleted")));
            }
        }
    }

    static final View SEEK = View.of("$", Column.of("group", "consumerGroup"), Column.of("queue", "queueName"),
            Column.of("to-end", "seekToEnd"), Column.of("to", "targetTimestamp"),
            Column.of("partitions", "partitionsUpdated"));

    @Command(name = "seek", description = {"Moves a consumer group on a queue, to its end or to a time.",
        "To the end skips everything there is now; to a time, the next pop starts after the newest",
        "message stored at or before it."})
    static final class Seek extends Base {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1", paramLabel = "QUEUE")
        String queue;

        @Option(names = "--to-end", description = "Skip every message there is now.")
        boolean toEnd;

        @Option(names = "--to", paramLabel = "TIME", description = "ISO-8601 time.")
        String to;

        @Option(names = {"-p", "--partition"}, description = "Only this partition, to its end.")
        String partition;

        @Override
        void execute() {
            if (partition != null) {
                JsonNode answer = api().seekPartition(group, queue, partition);
                session().print(answer, View.AUTO);
                MessageCommands.requireSuccess(answer);
                return;
            }
            if (toEnd == (to != null)) {
                throw new Exit(Exit.USAGE, "seek needs exactly one of --to-end and --to TIME");
            }
            session().print(api().seek(group, queue, toEnd, to), SEEK);
        }
    }

    @Command(name = "replay", description = {"Replays a queue for a consumer group from a time.",
        "The group reads again every message stored after it (a seek backwards)."})
    static final class Replay extends Base {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Option(names = {"-g", "--group"}, required = true)
        String group;

        @Option(names = "--from", required = true, paramLabel = "TIME", description = "ISO-8601 time to replay from.")
        String from;

        @Override
        void execute() {
            session().print(api().seek(group, queue, false, from), SEEK);
        }
    }
}
