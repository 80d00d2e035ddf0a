package io.queen.soak;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fault schedule and the faults themselves. The run is cut into cycles of at most about
 * five minutes (one for a two-minute run); each cycle injects every fault once, at fixed
 * fractions of the cycle, one after the other, leaving the last tenth of the run quiet.
 * "Recovered" is the moment both servers answer GET /health with 200 again after a fault.
 */
final class Faults implements Runnable {
    /** Where in a cycle each fault starts, in this order. */
    private static final double[] AT = {0.06, 0.15, 0.25, 0.38, 0.48, 0.70, 0.80};
    /** Every fault, in the order a cycle injects them. */
    static final List<String> NAMES = List.of("kill -9 server", "clients vanish mid long-poll", "PostgreSQL restart",
            "idle connection flood", "PostgreSQL unreachable", "oversized bodies", "buffer disk full");
    private static final long RECOVERY_LIMIT_MS = TimeUnit.SECONDS.toMillis(120);

    private final SoakOptions options;
    private final Postgres postgres;
    private final PgProxy proxy;
    private final List<ServerNode> servers;
    private final DiskFull disk;
    private final SoakHttp http;
    private final Ledger ledger;
    private final String queue;
    private final long startMillis;
    private final AtomicBoolean stop;
    private final List<FaultRecord> records = new ArrayList<>();
    private volatile String current = "none";

    Faults(SoakOptions options, Postgres postgres, PgProxy proxy, List<ServerNode> servers, DiskFull disk,
           SoakHttp http, Ledger ledger, String queue, long startMillis, AtomicBoolean stop) {
        this.options = options;
        this.postgres = postgres;
        this.proxy = proxy;
        this.servers = servers;
        this.disk = disk;
        this.http = http;
        this.ledger = ledger;
        this.queue = queue;
        this.startMillis = startMillis;
        this.stop = stop;
    }

    @Override
    public void run() {
        long runMs = TimeUnit.SECONDS.toMillis(options.durationSeconds);
        int cycles = Math.max(1, options.durationSeconds / 300);
        long cycleMs = (long) (runMs * 0.9 / cycles);
        for (int c = 0; c < cycles && !stop.get(); c++) {
            ServerNode victim = servers.get(c % servers.size());
            for (int f = 0; f < AT.length && !stop.get(); f++) {
                long due = startMillis + c * cycleMs + (long) (AT[f] * cycleMs);
                while (System.currentTimeMillis() < due && !stop.get()) {
                    Producer.sleepNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(200, due - System.currentTimeMillis())));
                }
                if (!stop.get()) {
                    inject(f, victim);
                }
            }
        }
        current = "none";
    }

    private void inject(int which, ServerNode victim) {
        String target = switch (which) {
            case 0, 3 -> "server " + victim.name;
            case 6 -> "server " + servers.get(servers.size() - 1).name;
            case 2, 4 -> "database";
            default -> "both servers";
        };
        String name = NAMES.get(which);
        FaultRecord r = new FaultRecord(name, target, now());
        current = name;
        synchronized (records) {
            records.add(r);
        }
        try {
            switch (which) {
                case 0 -> kill(victim, r);
                case 1 -> ClientFaults.vanishingPolls(servers, queue, Arrays.asList("g1", "g2", null), r);
                case 2 -> restartPostgres(r);
                case 3 -> ClientFaults.idleFlood(victim, options.idleConnections,
                        Math.min(60_000, Math.max(10_000, options.durationSeconds * 1000L / 12)), http, r);
                case 4 -> unreachable(r);
                case 5 -> ClientFaults.oversizedBodies(servers, r);
                default -> diskFull(servers.get(servers.size() - 1), r);
            }
        } catch (IOException | RuntimeException e) {
            r.problem = "the fault itself failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (r.endedMs < 0) {
            r.endedMs = now();
        }
        if (r.injected()) {
            awaitRecovery(r);
        }
        current = "none";
    }

    private void kill(ServerNode server, FaultRecord r) throws IOException, InterruptedException {
        server.kill();
        r.endedMs = now();
        server.start();
        r.note("killed and started again");
    }

    private void restartPostgres(FaultRecord r) throws IOException {
        postgres.stop();
        postgres.start();
        r.endedMs = now();
    }

    private void unreachable(FaultRecord r) throws InterruptedException {
        if (options.partitionMode.equals("stall")) {
            proxy.stall();
        } else {
            proxy.reset();
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(options.outageSeconds));
        proxy.heal();
        r.endedMs = now();
        r.note(options.outageSeconds + " s, mode " + options.partitionMode);
    }

    private void diskFull(ServerNode server, FaultRecord r) throws IOException, InterruptedException {
        if (disk.unavailable() != null) {
            r.skippedBecause = disk.unavailable();
            return;
        }
        long refusedBefore = refusedPushes(server);
        long ballast = disk.fill();
        try {
            maintenance(true);
            // long enough for every producer on the full disk to be refused a few times
            Thread.sleep(Math.min(8000, Math.max(4000, options.durationSeconds * 1000L / 15)));
        } finally {
            maintenance(false);
            disk.empty();
        }
        r.endedMs = now();
        long refused = refusedPushes(server) - refusedBefore;
        r.note("ballast " + (ballast / (1024 * 1024)) + " MB filled the buffer tmpfs; push maintenance on; "
                + server.name + " refused " + refused + " push(es) with 500 failed");
        if (refused == 0) {
            r.note("no push was refused: the full disk was never written to");
        }
    }

    private long refusedPushes(ServerNode server) {
        return ledger.outcomes().getOrDefault("push " + server.name + " 500 failed", 0L);
    }

    /** Push maintenance through the first server that answers; the database spreads it to all. */
    private void maintenance(boolean on) throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            for (ServerNode s : servers) {
                try {
                    if (http.post(s.url() + "/api/v1/system/maintenance", "{\"enabled\":" + on + "}",
                            Duration.ofSeconds(5)).status() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // try the next server
                }
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("push maintenance could not be switched " + (on ? "on" : "off"));
    }

    private void awaitRecovery(FaultRecord r) {
        long deadline = System.currentTimeMillis() + RECOVERY_LIMIT_MS;
        while (System.currentTimeMillis() < deadline) {
            boolean all = true;
            for (ServerNode s : servers) {
                all &= http.healthy(s.url());
            }
            if (all) {
                r.recoveredMs = now();
                return;
            }
            Producer.sleepNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        r.problem = (r.problem == null ? "" : r.problem + "; ") + "not healthy " + RECOVERY_LIMIT_MS / 1000
                + " s after the fault";
    }

    /** Milliseconds since the start of the run. */
    private long now() {
        return System.currentTimeMillis() - startMillis;
    }

    String current() {
        return current;
    }

    List<FaultRecord> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

}
