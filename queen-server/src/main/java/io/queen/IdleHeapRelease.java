package io.queen;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Gives heap back to the operating system once a burst is over. A flood of connections or
 * large bodies grows the heap, and the collector the launcher uses shrinks it again only in a
 * full collection, which a quiet server never needs: its memory would stay at the flood's
 * peak for good. So, when the process has been nearly idle for a while and much more heap is
 * committed than used, this asks for one full collection (a few milliseconds on a small heap,
 * at most once a minute, never under load).
 */
final class IdleHeapRelease extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(IdleHeapRelease.class);
    private static final long CHECK_MS = 10_000;
    private static final long MIN_GAP_NANOS = 60_000_000_000L;
    /** Below this share of one core over the last check the process counts as idle. */
    private static final double IDLE_CPU = 0.05;
    private static final long MIN_SLACK_BYTES = 16L << 20;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long timer = -1;
    private long lastCpuNanos = -1;
    private long lastCheck;
    private long lastRelease = System.nanoTime() - MIN_GAP_NANOS;

    @Override
    public Future<?> start() {
        lastCheck = System.nanoTime();
        lastCpuNanos = os.getProcessCpuTime();
        timer = vertx.setPeriodic(CHECK_MS, id -> check());
        return Future.succeededFuture();
    }

    private void check() {
        long now = System.nanoTime();
        long cpu = os.getProcessCpuTime();
        double load = lastCpuNanos < 0 || cpu < 0 ? 1 : (double) (cpu - lastCpuNanos) / (now - lastCheck);
        lastCpuNanos = cpu;
        lastCheck = now;
        MemoryUsage heap = memory.getHeapMemoryUsage();
        // "used" counts garbage not yet collected: what survived the last collections is the live set
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live += pool.getCollectionUsage().getUsed();
            }
        }
        long slack = heap.getCommitted() - live;
        LOG.trace("cpu {} heap committed {} MB, live {} MB", load, heap.getCommitted() >> 20, live >> 20);
        if (load < IDLE_CPU && slack > MIN_SLACK_BYTES && heap.getCommitted() > live * 3 / 2
                && now - lastRelease > MIN_GAP_NANOS) {
            lastRelease = now;
            System.gc();
            long after = memory.getHeapMemoryUsage().getCommitted();
            LOG.debug("Idle: heap committed {} MB -> {} MB", heap.getCommitted() >> 20, after >> 20);
            // the collection itself must not count as load at the next check
            lastCpuNanos = os.getProcessCpuTime();
            lastCheck = System.nanoTime();
        }
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }
}
