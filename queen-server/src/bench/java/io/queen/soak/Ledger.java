package io.queen.soak;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the clients saw: per partition how many messages were accepted (a producer pushes a
 * partition's messages one after the other, so seq 0..n-1 are accepted), every delivery per
 * consumer group, and a count of every kind of answer. Pushes and deliveries are also
 * written to CSV files in the work folder, for a look after a failed run.
 */
final class Ledger implements AutoCloseable {
    static final String QUEUE_MODE = "queue-mode";

    private final AtomicIntegerArray accepted;
    private final Map<String, GroupLog> groups = new LinkedHashMap<>();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final BufferedWriter pushLog;
    private final BufferedWriter deliveryLog;
    private final long startMillis;

    Ledger(int partitions, Iterable<String> groupLabels, Path workDir, long startMillis) throws IOException {
        this.accepted = new AtomicIntegerArray(partitions);
        for (String g : groupLabels) {
            groups.put(g, new GroupLog(g, partitions));
        }
        this.pushLog = Files.newBufferedWriter(workDir.resolve("pushes.csv"));
        this.deliveryLog = Files.newBufferedWriter(workDir.resolve("deliveries.csv"));
        this.startMillis = startMillis;
        pushLog.write("ms,server,partition,seq,transactionId,status\n");
        deliveryLog.write("ms,server,group,partition,seq,transactionId,first\n");
    }

    /** The producer of the partition got a 2xx with queued, buffered or duplicate for this seq. */
    void accepted(String server, int partition, int seq, String transactionId, String status) {
        accepted.set(partition, seq + 1);
        write(pushLog, (System.currentTimeMillis() - startMillis) + "," + server + ",p" + partition + "," + seq + ","
                + transactionId + "," + status + "\n");
    }

    void delivered(String server, String group, int partition, int seq, String transactionId) {
        long now = System.currentTimeMillis();
        boolean first = groups.get(group).delivered(partition, seq, now);
        write(deliveryLog, (now - startMillis) + "," + server + "," + group + ",p" + partition + "," + seq + ","
                + transactionId + "," + first + "\n");
    }

    /** Counts one answer or failure, e.g. "push 201 queued" or "pop io-error". */
    void outcome(String what) {
        outcomes.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    int accepted(int partition) {
        return accepted.get(partition);
    }

    int partitions() {
        return accepted.length();
    }

    long acceptedTotal() {
        long n = 0;
        for (int i = 0; i < accepted.length(); i++) {
            n += accepted.get(i);
        }
        return n;
    }

    Map<String, GroupLog> groups() {
        return groups;
    }

    Map<String, Long> outcomes() {
        Map<String, Long> sorted = new TreeMap<>();
        outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    /** True when every group has received every accepted message at least once. */
    boolean allDelivered() {
        for (GroupLog g : groups.values()) {
            for (int p = 0; p < accepted.length(); p++) {
                if (g.missing(p, accepted.get(p)) > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void write(BufferedWriter w, String line) {
        synchronized (w) {
            try {
                w.write(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (pushLog) {
            pushLog.close();
        }
        synchronized (deliveryLog) {
            deliveryLog.close();
        }
    }
}
