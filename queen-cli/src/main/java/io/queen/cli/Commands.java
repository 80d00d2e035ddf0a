package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.out.Column;
import io.queen.cli.out.View;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Server-wide commands: ping, status, lag, metrics, maintenance. */
final class Commands {
    private Commands() {
    }

    @Command(name = "ping", description = "Checks the server answers and its database is up (exit 3 otherwise).")
    static final class Ping extends Base {
        private static final View VIEW = View.of("$", Column.of("server", "server"), Column.of("status", "status"),
                Column.of("database", "database"), Column.of("ms", "latencyMs"), Column.wide("version", "version"));

        @Override
        void execute() {
            long started = System.nanoTime();
            JsonNode health = api().health();
            ObjectNode answer = Session.JSON.createObjectNode();
            answer.put("server", String.join(",", session().servers()));
            answer.put("status", health.path("status").asText("unknown"));
            answer.put("database", health.path("database").asText("unknown"));
            answer.put("latencyMs", (System.nanoTime() - started) / 1_000_000);
            answer.set("version", health.get("version"));
            session().print(answer, VIEW);
            if (!"healthy".equals(answer.path("status").asText())) {
                throw new Exit(Exit.UNAVAILABLE, "server unhealthy (database " + answer.path("database").asText() + ")");
            }
        }
    }

    @Command(name = "status", description = "Queues, partitions and message counts of the whole server.")
    static final class Status extends Base {
        private static final View VIEW = View.of("$",
                Column.of("queues", "queues"), Column.of("partitions", "partitions"),
                Column.of("messages", "messages.total"), Column.of("pending", "messages.pending"),
                Column.of("processing", "messages.processing"), Column.of("completed", "messages.completed"),
                Column.of("dead", "messages.deadLetter"),
                Column.wide("namespaces", "namespaces"), Column.wide("tasks", "tasks"),
                Column.wide("in/s", "throughput.ingestedPerSecond"),
                Column.wide("out/s", "throughput.processedPerSecond"),
                Column.wide("max-lag-s", "lag.time.max"), Column.wide("stats-age-s", "statsAge"));

        @Override
        void execute() {
            session().print(api().overview(), VIEW);
        }
    }

    @Command(name = "lag", description = {"Partitions whose consumer group is behind, most lagging first.",
        "Lag is the time since the oldest message the group has not consumed."})
    static final class Lag extends Base {
        static final View VIEW = View.of("$", Column.of("group", "consumer_group"), Column.of("queue", "queue_name"),
                Column.of("partition", "partition_name"), Column.of("offset-lag", "offset_lag"),
                Column.of("time-lag-s", "time_lag_seconds"), Column.wide("oldest-unconsumed", "oldest_unconsumed_at"),
                Column.wide("last-consumed", "last_consumed_at"), Column.wide("partition-id", "partition_id"));

        @Parameters(arity = "0..1", paramLabel = "QUEUE", description = "Only this queue.")
        String queue;

        @Option(names = {"-g", "--group"}, description = "Only this consumer group.")
        String group;

        @Option(names = "--min-lag", paramLabel = "SECONDS", defaultValue = "0",
                description = "Only partitions at least this far behind (default ${DEFAULT-VALUE}).")
        long minLag;

        @Override
        void execute() {
            session().print(lagging(api(), minLag, queue, group), VIEW);
        }

        static ArrayNode lagging(Api api, long minLag, String queue, String group) {
            ArrayNode kept = Session.JSON.createArrayNode();
            for (JsonNode row : api.lagging(minLag)) {
                if ((queue == null || queue.equals(row.path("queue_name").asText()))
                        && (group == null || group.equals(row.path("consumer_group").asText()))) {
                    kept.add(row);
                }
            }
            return kept;
        }
    }

    @Command(name = "metrics", description = "The server's metrics: the JSON summary, or Prometheus text with --prometheus.")
    static final class Metrics extends Base {
        @Option(names = "--prometheus", description = "Print GET /metrics/prometheus as it comes.")
        boolean prometheus;

        @Override
        void execute() {
            if (prometheus) {
                session().io().out().print(api().prometheus());
                session().io().out().flush();
            } else {
                session().print(api().metrics(), View.AUTO);
            }
        }
    }

    @Command(name = "maintenance", description = "Push and pop maintenance switches.",
            subcommands = {Maintenance.Get.class, Maintenance.On.class, Maintenance.Off.class})
    static final class Maintenance extends Group {
        static final View VIEW = View.of("$", Column.of("push-maintenance", "maintenanceMode"),
                Column.of("pop-maintenance", "popMaintenanceMode"), Column.of("buffered", "bufferedMessages"),
                Column.wide("buffer-healthy", "bufferHealthy"), Column.wide("failed-files", "bufferStats.failedFiles.count"));

        @Command(name = "get", description = "Shows both switches and the file buffer.")
        static final class Get extends Base {
            @Override
            void execute() {
                session().print(state(api()), VIEW);
            }
        }

        abstract static class Switch extends Base {
            @Option(names = "--pop", description = "The pop switch (every pop answers empty) instead of the push one.")
            boolean pop;

            @Option(names = "--all", description = "Both switches.")
            boolean all;

            void flip(boolean enabled) {
                if (pop || all) {
                    api().setPopMaintenance(enabled);
                }
                if (!pop || all) {
                    api().setMaintenance(enabled);
                }
                session().print(state(api()), VIEW);
            }
        }

        @Command(name = "on", description = "Switches push maintenance on: pushes go to the file buffer until it is off.")
        static final class On extends Switch {
            @Override
            void execute() {
                flip(true);
            }
        }

        @Command(name = "off", description = "Switches maintenance off; buffered pushes are replayed.")
        static final class Off extends Switch {
            @Override
            void execute() {
                flip(false);
            }
        }

        static JsonNode state(Api api) {
            ObjectNode state = api.maintenance().deepCopy();
            state.put("popMaintenanceMode", api.popMaintenance().path("popMaintenanceMode").asBoolean());
            return state;
        }
    }
}
