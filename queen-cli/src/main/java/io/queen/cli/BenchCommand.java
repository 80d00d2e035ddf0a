package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.queen.cli.out.Column;
import io.queen.cli.out.Progress;
import io.queen.cli.out.View;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code queen bench}: push then pop throughput against a scratch queue. */
@Command(name = "bench", description = {"Measures push, then pop, throughput against a scratch queue.",
    "Pushes --messages messages in batches (spread over --partitions), pops them all back with",
    "auto-ack, prints the rates and deletes the queue (unless --keep). A progress bar shows on a terminal."})
final class BenchCommand extends Base {
    private static final View VIEW = View.of("$", Column.of("messages", "messages"),
            Column.of("push/s", "pushPerSecond"), Column.of("pop/s", "popPerSecond"),
            Column.of("push-s", "pushSeconds"), Column.of("pop-s", "popSeconds"), Column.wide("queue", "queue"),
            Column.wide("batch", "batch"), Column.wide("bytes", "payloadBytes"), Column.wide("partitions", "partitions"));

    @Option(names = {"-q", "--queue"}, defaultValue = "queen-bench", description = "Scratch queue (default ${DEFAULT-VALUE}).")
    String queue;

    @Option(names = {"-n", "--messages"}, defaultValue = "10000", description = "Messages (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--batch", defaultValue = "100", description = "Messages per push and per pop (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--size", defaultValue = "100", description = "Payload bytes (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions to spread over (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--no-pop", description = "Only push.")
    boolean noPop;

    @Option(names = "--keep", description = "Keep the queue afterwards.")
    boolean keep;

    @Override
    void execute() {
        if (messages < 1 || batch < 1 || partitions < 1 || size < 0) {
            throw new Exit(Exit.USAGE, "--messages, --batch and --partitions must be at least 1, --size at least 0");
        }
        Api api = api();
        JsonNode payload = Session.JSON.createObjectNode().put("pad", "x".repeat(size));
        long pushStart = System.nanoTime();
        try (Progress progress = session().progress("push", messages)) {
            for (int sent = 0; sent < messages; ) {
                int n = Math.min(batch, messages - sent);
                List<Api.Item> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(new Api.Item("p" + ((sent + i) % partitions), payload, null));
                }
                api.push(queue, items);
                sent += n;
                progress.advance(n);
            }
        }
        double pushSeconds = (System.nanoTime() - pushStart) / 1e9;
        double popSeconds = 0;
        if (!noPop) {
            long popStart = System.nanoTime();
            try (Progress progress = session().progress("pop", messages)) {
                long received = 0;
                while (received < messages) {
                    List<io.queen.client.Message> got = api.pop(new Api.PopRequest(queue, null, null, batch, true, 2000, true, null, null));
                    if (got.isEmpty()) {
                        break;
                    }
                    received += got.size();
                    progress.advance(got.size());
                }
            }
            popSeconds = (System.nanoTime() - popStart) / 1e9;
        }
        if (!keep) {
            api.deleteQueue(queue);
        }
        ObjectNode answer = Session.JSON.createObjectNode();
        answer.put("queue", queue);
        answer.put("messages", messages);
        answer.put("batch", batch);
        answer.put("payloadBytes", size);
        answer.put("partitions", partitions);
        answer.put("pushSeconds", round(pushSeconds));
        answer.put("pushPerSecond", Math.round(messages / pushSeconds));
        if (!noPop) {
            answer.put("popSeconds", round(popSeconds));
            answer.put("popPerSecond", Math.round(messages / popSeconds));
        }
        session().print(answer, VIEW);
    }

    private static double round(double seconds) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3f", seconds));
    }
}
