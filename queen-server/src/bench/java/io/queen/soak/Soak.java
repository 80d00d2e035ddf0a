package io.queen.soak;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Fault-injection soak: its own PostgreSQL behind a proxy that can cut the network, two Queen
 * servers as child processes on it, producers and consumers for --duration seconds while
 * servers are killed, PostgreSQL restarted and made unreachable, disks fill up and clients
 * misbehave; then a drain and a proof, from the clients' logs and from the database, that
 * nothing accepted was lost, stored twice or delivered out of order.
 * Run with {@code --help} for the options.
 */
public final class Soak {
    static final String QUEUE = "soak";
    static final int LEASE_SECONDS = 10;
    private static final List<String> GROUPS = List.of("g1", "g2", Ledger.QUEUE_MODE);
    private static final long START_LIMIT_MS = TimeUnit.SECONDS.toMillis(120);
    private static final long DRAIN_LIMIT_MS = TimeUnit.SECONDS.toMillis(180);

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** Runs the soak; answers the exit code: 0 passed, 1 a guarantee broke or a server did not come back, 2 usage. */
    public static int run(String[] args) throws Exception {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
            if (options == null) {
                System.out.println(SoakOptions.USAGE);
                return 0;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.println(SoakOptions.USAGE);
            return 2;
        }
        Path work = options.workDir != null ? Files.createDirectories(options.workDir)
                : Files.createTempDirectory("queen-soak");
        System.out.println("Queen soak: " + options + ", work folder " + work);
        System.out.println("servers: " + ServerNode.settings() + "; queue lease " + LEASE_SECONDS + " s; groups "
                + GROUPS);
        List<ServerNode> servers = new ArrayList<>();
        DiskFull[] disk = new DiskFull[1];
        Postgres postgres = new Postgres(work.resolve("postgres"), ServerNode.freePort());
        // a soak stopped with Ctrl-C or SIGTERM must not leave servers, PostgreSQL or a mount behind
        Thread cleanup = new Thread(() -> tearDown(servers, disk[0], postgres), "soak-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            postgres.start();
            try (PgProxy proxy = new PgProxy(postgres.port())) {
                servers.add(new ServerNode("A", work, proxy.port()));
                servers.add(new ServerNode("B", work, proxy.port()));
                // before B starts: its buffer folder becomes the small disk of the disk-full fault
                disk[0] = DiskFull.prepare(servers.get(1));
                return new Soak.Run(options, work, postgres, proxy, servers, disk[0]).execute();
            }
        } finally {
            tearDown(servers, disk[0], postgres);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already: the hook does the same, harmlessly
            }
        }
    }

    /** Stops the servers, unmounts the buffer disk, stops PostgreSQL; each step may already be done. */
    private static synchronized void tearDown(List<ServerNode> servers, DiskFull disk, Postgres postgres) {
        for (ServerNode s : servers) {
            try {
                s.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (disk != null) {
                disk.close();
            }
            postgres.close();
        } catch (IOException e) {
            System.err.println("soak: clean-up: " + e);
        }
    }

    /** One run's moving parts, from the servers' start to the verdict. */
    private static final class Run {
        private final SoakOptions options;
        private final Path work;
        private final Postgres postgres;
        private final PgProxy proxy;
        private final List<ServerNode> servers;
        private final DiskFull disk;
        private final SoakHttp http = new SoakHttp();

        Run(SoakOptions options, Path work, Postgres postgres, PgProxy proxy, List<ServerNode> servers, DiskFull disk) {
            this.options = options;
            this.work = work;
            this.postgres = postgres;
            this.proxy = proxy;
            this.servers = servers;
            this.disk = disk;
        }

        int execute() throws Exception {
            for (ServerNode s : servers) {
                // one after the other: the first one creates the schema
                s.start();
                if (!awaitHealthy(s, START_LIMIT_MS)) {
                    System.out.println("soak: server " + s + " did not start");
                    return 1;
                }
                System.out.println("server " + s + " is up");
            }
            configureQueue();

            long startMillis = System.currentTimeMillis();
            long startNanos = System.nanoTime();
            long runNanos = TimeUnit.SECONDS.toNanos(options.durationSeconds);
            Latencies pushLatency = new Latencies(runNanos, 10);
            Latencies popLatency = new Latencies(runNanos, 10);
            AtomicBoolean producersStop = new AtomicBoolean();
            AtomicBoolean consumersStop = new AtomicBoolean();
            AtomicBoolean faultsStop = new AtomicBoolean();
            AtomicBoolean monitorStop = new AtomicBoolean();
            try (Ledger ledger = new Ledger(options.partitions, GROUPS, work, startMillis)) {
                List<Thread> consumers = new ArrayList<>();
                for (String group : GROUPS) {
                    for (ServerNode s : servers) {
                        for (int i = 0; i < 2; i++) {
                            consumers.add(thread("consumer-" + group + "-" + s.name + "-" + i, new Consumer(QUEUE, s,
                                    group.equals(Ledger.QUEUE_MODE) ? null : group, ledger, http, popLatency,
                                    startNanos, consumersStop)));
                        }
                    }
                }
                List<Thread> producers = new ArrayList<>();
                for (int i = 0; i < options.producers; i++) {
                    List<Integer> owned = new ArrayList<>();
                    for (int p = i; p < options.partitions; p += options.producers) {
                        owned.add(p);
                    }
                    producers.add(thread("producer-" + i, new Producer(QUEUE, servers.get(i % servers.size()),
                            owned.stream().mapToInt(Integer::intValue).toArray(), ledger, http, pushLatency,
                            startNanos, (double) options.rate / options.producers, producersStop)));
                }
                Faults faults = new Faults(options, postgres, proxy, servers, disk, http, ledger, QUEUE, startMillis,
                        faultsStop);
                Thread faultThread = thread("faults", faults);
                Monitor monitor = new Monitor(servers, ledger, faults, proxy, startMillis, monitorStop);
                Thread monitorThread = thread("monitor", monitor);

                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(runNanos));
                System.out.println("run over: stopping faults and producers, then draining");
                faultsStop.set(true);
                faultThread.join(TimeUnit.SECONDS.toMillis(180));
                producersStop.set(true);
                for (Thread t : producers) {
                    t.join(TimeUnit.SECONDS.toMillis(120));
                }
                long drainStart = System.currentTimeMillis();
                boolean buffersEmpty = awaitBuffersEmpty(drainStart + DRAIN_LIMIT_MS);
                boolean delivered = awaitCondition(ledger::allDelivered, drainStart + DRAIN_LIMIT_MS);
                Map<String, Long> unconsumed;
                DbVerifier.Stored stored;
                try (DbVerifier db = new DbVerifier(postgres.port())) {
                    awaitCondition(() -> db.unconsumed(QUEUE, GROUPS).values().stream().allMatch(n -> n == 0),
                            System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(30));
                    consumersStop.set(true);
                    for (Thread t : consumers) {
                        t.join(TimeUnit.SECONDS.toMillis(30));
                    }
                    unconsumed = db.unconsumed(QUEUE, GROUPS);
                    stored = db.stored(QUEUE, ledger);
                }
                System.out.println(monitor.progressLine());
                System.out.printf("drained in %.1f s (buffers empty: %s, everything delivered: %s)%n",
                        (System.currentTimeMillis() - drainStart) / 1000.0, buffersEmpty, delivered);
                monitorStop.set(true);
                monitorThread.join();

                Report report = new Report();
                if (!buffersEmpty) {
                    report.fail("the file buffers did not drain within " + DRAIN_LIMIT_MS / 1000 + " s");
                }
                report.faults(faults.records());
                report.messages(ledger, faults.records(), startMillis);
                report.database(stored, unconsumed);
                report.servers(servers, monitor.crashes());
                report.latencies(pushLatency, popLatency);
                report.outcomes(ledger.outcomes());
                report.verdict();
                System.out.println();
                System.out.println("=== soak report (" + options + ") ===");
                System.out.print(report);
                System.out.println("logs: " + work);
                return report.failures().isEmpty() ? 0 : 1;
            } finally {
                faultsStop.set(true);
                producersStop.set(true);
                consumersStop.set(true);
                monitorStop.set(true);
            }
        }

        private void configureQueue() throws IOException, InterruptedException {
            // a short lease: a message held by a killed server or a vanished client comes back soon
            SoakHttp.Reply r = http.post(servers.get(0).url() + "/api/v1/configure",
                    "{\"queue\":\"" + QUEUE + "\",\"options\":{\"leaseTime\":" + LEASE_SECONDS + "}}",
                    Duration.ofSeconds(10));
            if (r.status() != 200) {
                throw new IllegalStateException("configure answered " + r.status() + ": " + r.body());
            }
        }

        private boolean awaitHealthy(ServerNode s, long limitMs) throws InterruptedException {
            long deadline = System.currentTimeMillis() + limitMs;
            while (System.currentTimeMillis() < deadline) {
                if (http.healthy(s.url())) {
                    return true;
                }
                Thread.sleep(250);
            }
            return false;
        }

        private boolean awaitBuffersEmpty(long deadline) throws InterruptedException {
            return awaitCondition(() -> {
                for (ServerNode s : servers) {
                    try {
                        SoakHttp.Reply r = http.get(s.url() + "/api/v1/system/maintenance", Duration.ofSeconds(5));
                        if (r.status() != 200
                                || new JsonObject(r.body()).getLong("bufferedMessages") != 0) {
                            return false;
                        }
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                return true;
            }, deadline);
        }

        private static boolean awaitCondition(BooleanSupplier condition, long deadline)
                throws InterruptedException {
            while (System.currentTimeMillis() < deadline) {
                try {
                    if (condition.getAsBoolean()) {
                        return true;
                    }
                } catch (RuntimeException e) {
                    // a check that failed (a database hiccup) is simply asked again
                }
                Thread.sleep(500);
            }
            return false;
        }

        private static Thread thread(String name, Runnable body) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }
}
