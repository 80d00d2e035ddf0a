package io.queen.soak;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Faults caused by clients misbehaving: vanishing long-polls, idle connection floods, oversized bodies. */
final class ClientFaults {
    private ClientFaults() {
    }

    /**
     * Opens long-polls on real consumer groups and walks away from them: half with a reset,
     * half with a clean close. A pop that had already claimed messages must give them back
     * (at once, or when its lease ends), never lose them; the soak's accounting shows which.
     */
    static void vanishingPolls(List<ServerNode> servers, String queue, List<String> groups, FaultRecord record)
            throws IOException, InterruptedException {
        List<Socket> open = new ArrayList<>();
        int opened = 0;
        for (ServerNode server : servers) {
            for (int i = 0; i < 20; i++) {
                String group = groups.get(i % groups.size());
                String path = "/api/v1/pop/queue/" + queue + "?batch=5&wait=true&timeout=30000"
                        + (group == null ? "" : "&consumerGroup=" + group);
                try {
                    Socket s = RawHttp.connect(server.port, 2000);
                    RawHttp.sendHead(s, "GET", path, -1);
                    open.add(s);
                    opened++;
                } catch (IOException e) {
                    record.note("a long-poll could not be opened on " + server.name + ": " + e.getMessage());
                }
            }
        }
        Thread.sleep(1500);
        int answered = 0;
        for (int i = 0; i < open.size(); i++) {
            Socket s = open.get(i);
            if (s.getInputStream().available() > 0) {
                answered++; // messages were delivered to a client that now vanishes without acking
            }
            if (i % 2 == 0) {
                RawHttp.abort(s);
            } else {
                s.close();
            }
        }
        record.note(opened + " long-polls opened and abandoned (" + answered + " had an answer waiting)");
    }

    /** The soft limit on open files of this process, from /proc/self/limits; -1 if unknown. */
    static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: the caller goes ahead unscaled
        }
        return -1;
    }

    /**
     * Opens many idle connections to one server (beyond its QUEEN_MAX_CONNECTIONS cap) from a
     * few threads, within a time budget (on a busy machine the server accepts and turns away
     * a few hundred a second), holds them a few seconds while the load goes on, then drops
     * them all with resets.
     */
    static void idleFlood(ServerNode server, int wanted, long budgetMs, SoakHttp http, FaultRecord record)
            throws InterruptedException {
        long limit = openFilesLimit();
        int count = wanted;
        // the soak's own threads, pools and files need a few thousand descriptors of their own
        if (limit > 0 && limit - 2500 < wanted) {
            count = (int) Math.max(100, limit - 2500);
            record.note("scaled down from " + wanted + " to " + count + ": ulimit -n of the soak is " + limit);
        }
        List<Socket> sockets = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger left = new AtomicInteger(count);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(budgetMs);
        List<Thread> openers = new ArrayList<>();
        try {
            for (int t = 0; t < 4; t++) {
                Thread opener = new Thread(() -> {
                    while (left.getAndDecrement() > 0 && System.nanoTime() < deadline) {
                        try {
                            sockets.add(RawHttp.connect(server.port, 1000));
                        } catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                }, "idle-flood-" + t);
                opener.start();
                openers.add(opener);
            }
            for (Thread opener : openers) {
                opener.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long rss = server.sampleRss();
            Thread.sleep(3000);
            boolean healthyMeanwhile = http.healthy(server.url());
            record.note(String.format("%d idle connections opened in %.1f s (%d failed to connect), server RSS %d MB"
                    + " with them; a new connection meanwhile %s", sockets.size(), seconds, failed.get(), rss / 1024,
                    healthyMeanwhile ? "was served" : "was turned away (connection cap)"));
        } finally {
            synchronized (sockets) {
                sockets.forEach(RawHttp::abort);
            }
        }
    }

    /**
     * Bodies above QUEEN_MAX_BODY_BYTES must get 413 from their Content-Length alone; bodies
     * just under it, sent together beyond the body memory budget, 201 or 503 with
     * Retry-After. Nothing else is acceptable, 500 least of all.
     */
    static void oversizedBodies(List<ServerNode> servers, FaultRecord record) throws InterruptedException {
        Map<String, Integer> answers = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (ServerNode server : servers) {
            for (int i = 0; i < 3; i++) {
                try (Socket s = RawHttp.connect(server.port, 10_000)) {
                    RawHttp.sendHead(s, "POST", "/api/v1/push", ServerNode.MAX_BODY_BYTES + 1024L * 1024);
                    int status = RawHttp.readHead(s).status();
                    answers.merge("oversized " + status, 1, Integer::sum);
                    if (status != 413) {
                        wrong.add(server.name + " answered " + status + " to an oversized Content-Length");
                    }
                } catch (IOException e) {
                    wrong.add(server.name + ": no answer to an oversized Content-Length (" + e.getMessage() + ")");
                }
            }
        }
        byte[] big = largePush(ServerNode.MAX_BODY_BYTES - 64 * 1024);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> sent = new ArrayList<>();
            for (ServerNode server : servers) {
                for (int i = 0; i < 8; i++) {
                    sent.add(pool.submit(() -> sendLarge(server, big)));
                }
            }
            for (Future<String> f : sent) {
                String outcome;
                try {
                    outcome = f.get();
                } catch (ExecutionException e) {
                    outcome = "error " + e.getCause();
                }
                answers.merge("large " + outcome, 1, Integer::sum);
                if (!outcome.equals("201") && !outcome.equals("503 Retry-After")) {
                    wrong.add("large body: " + outcome);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        record.note("answers " + answers);
        if (!wrong.isEmpty()) {
            record.problem = String.join("; ", wrong);
        }
    }

    private static String sendLarge(ServerNode server, byte[] body) {
        try (Socket s = RawHttp.connect(server.port, 30_000)) {
            RawHttp.sendHead(s, "POST", "/api/v1/push", body.length);
            try {
                s.getOutputStream().write(body);
            } catch (IOException e) {
                // the server may answer 503 and close before taking the whole body: read that answer
            }
            RawHttp.Head head = RawHttp.readHead(s);
            return head.status() + (head.status() == 503 && head.retryAfter() != null ? " Retry-After" : "");
        } catch (IOException e) {
            return "error " + e.getMessage();
        }
    }

    private static byte[] largePush(int size) {
        String prefix = "{\"items\":[{\"queue\":\"soak-large\",\"partition\":\"big\",\"payload\":{\"blob\":\"";
        String suffix = "\"}}]}";
        return (prefix + "y".repeat(size - prefix.length() - suffix.length()) + suffix)
                .getBytes(StandardCharsets.US_ASCII);
    }
}
