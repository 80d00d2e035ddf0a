package io.queen.metrics;

import java.net.InetAddress;

/**
 * Who writes the metrics rows: this host, process and server. {@code workerId} is the
 * WORKER_ID setting (the reference's replica label), by default {@code <hostname>:<port>},
 * which tells apart two servers on one host.
 */
public record Replica(String hostname, long pid, int port, String workerId) {

    /** Resolves the host name once, at start-up (it may ask DNS: never on an event loop). */
    public static Replica of(int port, String configuredWorkerId) {
        String hostname = System.getenv("HOSTNAME");
        if (hostname == null || hostname.isBlank()) {
            try {
                hostname = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                hostname = "localhost";
            }
        }
        String workerId = configuredWorkerId == null ? hostname + ":" + port : configuredWorkerId;
        return new Replica(hostname, ProcessHandle.current().pid(), port, workerId);
    }

    /** The label of one worker of this server in queue_parked_replica.worker_id. */
    public String workerLabel(int worker) {
        return workerId + "/" + worker;
    }
}
