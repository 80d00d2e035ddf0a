package io.queen.soak;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Once a second: samples each server's memory and restarts a server that died on its own (a
 * crash is a finding, recorded as such). Every five seconds: one progress line.
 */
final class Monitor implements Runnable {
    private final List<ServerNode> servers;
    private final Ledger ledger;
    private final Faults faults;
    private final PgProxy proxy;
    private final long startMillis;
    private final AtomicBoolean stop;
    private final List<String> crashes = new ArrayList<>();

    Monitor(List<ServerNode> servers, Ledger ledger, Faults faults, PgProxy proxy, long startMillis,
            AtomicBoolean stop) {
        this.servers = servers;
        this.ledger = ledger;
        this.faults = faults;
        this.proxy = proxy;
        this.startMillis = startMillis;
        this.stop = stop;
    }

    @Override
    public void run() {
        int tick = 0;
        while (!stop.get()) {
            Producer.sleepNanos(TimeUnit.SECONDS.toNanos(1));
            for (ServerNode s : servers) {
                if (s.crashed()) {
                    String what = "server " + s.name + " exited by itself with status " + s.exitCode() + " at "
                            + (System.currentTimeMillis() - startMillis) / 1000 + " s (see " + s.log() + ")";
                    synchronized (crashes) {
                        crashes.add(what);
                    }
                    System.out.println("!! " + what + "; starting it again");
                    try {
                        s.start();
                    } catch (IOException e) {
                        System.out.println("!! could not start " + s.name + " again: " + e);
                    }
                }
                s.sampleRss();
            }
            if (++tick % 5 == 0) {
                System.out.println(progressLine());
            }
        }
    }

    String progressLine() {
        StringBuilder line = new StringBuilder(String.format("[%5ds] accepted %d | delivered",
                (System.currentTimeMillis() - startMillis) / 1000, ledger.acceptedTotal()));
        ledger.groups().values().forEach(g -> line.append(' ').append(g.label).append(' ').append(g.distinctTotal()));
        line.append(" | fault: ").append(faults.current()).append(" | RSS");
        for (ServerNode s : servers) {
            line.append(' ').append(s.name).append(' ').append(s.rssLastKb() / 1024).append(" MB");
        }
        return line.append(" | db connections ").append(proxy.openConnections()).toString();
    }

    List<String> crashes() {
        synchronized (crashes) {
            return new ArrayList<>(crashes);
        }
    }
}
