package io.queen.soak;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Long-polls one server for one consumer group (or queue mode), logs every delivery before
 * acknowledging it, then acks explicitly: one message with /ack, several with /ack/batch.
 * Logging before the ack matters: the next messages of a partition can only be leased once
 * the ack committed, so the log's order of first deliveries is the order the server chose.
 * A failed ack is only counted; the lease runs out and the messages come again.
 */
final class Consumer implements Runnable {
    static final int POLL_TIMEOUT_MS = 2000;

    private final String queue;
    private final ServerNode server;
    private final String group;
    private final String label;
    private final Ledger ledger;
    private final SoakHttp http;
    private final Latencies latencies;
    private final long runStartNanos;
    private final AtomicBoolean stop;

    /** @param group the consumer group, or null for queue mode */
    Consumer(String queue, ServerNode server, String group, Ledger ledger, SoakHttp http, Latencies latencies,
             long runStartNanos, AtomicBoolean stop) {
        this.queue = queue;
        this.server = server;
        this.group = group;
        this.label = group == null ? Ledger.QUEUE_MODE : group;
        this.ledger = ledger;
        this.http = http;
        this.latencies = latencies;
        this.runStartNanos = runStartNanos;
        this.stop = stop;
    }

    @Override
    public void run() {
        String url = server.url() + "/api/v1/pop/queue/" + queue + "?batch=20&partitions=4&wait=true&timeout="
                + POLL_TIMEOUT_MS + (group == null ? "" : "&consumerGroup=" + URLEncoder.encode(group,
                StandardCharsets.UTF_8));
        while (!stop.get()) {
            long t0 = System.nanoTime();
            try {
                SoakHttp.Reply r = http.get(url, Duration.ofMillis(POLL_TIMEOUT_MS + 10_000));
                if (r.status() == 200) {
                    latencies.record(t0 - runStartNanos, System.nanoTime() - t0);
                    handle(new JsonObject(r.body()).getJsonArray("messages"));
                } else if (r.status() != 204) {
                    ledger.outcome("pop " + server.name + " " + r.status());
                    Producer.sleepNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
            } catch (IOException | RuntimeException e) {
                ledger.outcome("pop " + server.name + " " + e.getClass().getSimpleName());
                Producer.sleepNanos(TimeUnit.MILLISECONDS.toNanos(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void handle(JsonArray messages) throws IOException, InterruptedException {
        JsonArray acks = new JsonArray();
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.getJsonObject(i);
            JsonObject data = m.getJsonObject("data");
            ledger.delivered(server.name, label, data.getInteger("partition"), data.getInteger("seq"),
                    m.getString("transactionId"));
            acks.add(new JsonObject().put("transactionId", m.getString("transactionId"))
                    .put("partitionId", m.getString("partitionId"))
                    .put("leaseId", m.getString("leaseId"))
                    .put("status", "completed"));
        }
        ack(acks);
    }

    private void ack(JsonArray acks) throws InterruptedException {
        String path;
        JsonObject body;
        if (acks.size() == 1) {
            path = "/api/v1/ack";
            body = acks.getJsonObject(0).copy();
        } else {
            path = "/api/v1/ack/batch";
            body = new JsonObject().put("acknowledgments", acks);
        }
        if (group != null) {
            body.put("consumerGroup", group);
        }
        try {
            SoakHttp.Reply r = http.post(server.url() + path, body.encode(), Duration.ofSeconds(15));
            String outcome = "ack " + server.name + " " + r.status();
            if (r.status() == 200) {
                Object parsed = Json.decodeValue(r.body());
                long failed = parsed instanceof JsonArray a
                        ? a.stream().filter(o -> !((JsonObject) o).getBoolean("success", false)).count() : acks.size();
                if (failed > 0) {
                    ledger.outcome(outcome + " with " + (failed == acks.size() ? "all" : "some")
                            + " items refused (lease gone)");
                    return;
                }
            }
            ledger.outcome(outcome);
        } catch (IOException | RuntimeException e) {
            ledger.outcome("ack " + server.name + " " + e.getClass().getSimpleName());
        }
    }
}
