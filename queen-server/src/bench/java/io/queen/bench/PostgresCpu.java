package io.queen.bench;

import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU used by a local PostgreSQL instance: the postmaster and every process it forked
 * (backends, autovacuum, WAL writer, checkpointer...), read from /proc.
 */
final class PostgresCpu {
    private final ProcessStats postmaster;

    private PostgresCpu(int postmasterPid) {
        this.postmaster = new ProcessStats(postmasterPid);
    }

    /**
     * The instance behind {@code pool}, found through one of its backends: a backend's parent
     * is the postmaster. Null when the database runs on another machine or in another pid
     * namespace (the backend's pid is then not one of ours), so its CPU cannot be measured.
     */
    static PostgresCpu of(Pool pool) {
        int backend = Bench.await(pool.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
        int parent = new ProcessStats(backend).parentPid();
        if (parent <= 0 || !isPostgres(parent) || !isPostgres(backend)) {
            return null;
        }
        return new PostgresCpu(parent);
    }

    int postmasterPid() {
        return postmaster.pid();
    }

    /**
     * Nanoseconds of CPU so far: the postmaster's own, what its exited children used
     * (pgbench's 50 backends exit with their connections, so sampling only the live ones
     * would lose them), and the live children's. -1 when unreadable.
     */
    long cpuNanos() {
        long own = postmaster.cpuNanos();
        long reaped = postmaster.reapedChildrenCpuNanos();
        if (own < 0 || reaped < 0) {
            return -1;
        }
        long total = own + reaped;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                ProcessStats p = new ProcessStats(Integer.parseInt(proc.getFileName().toString()));
                if (p.parentPid() == postmaster.pid()) {
                    // a child that exits between the two reads is simply not counted
                    total += Math.max(0, p.cpuNanos());
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return total;
    }

    private static boolean isPostgres(int pid) {
        try {
            String comm = Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).trim();
            return comm.startsWith("postgres") || comm.startsWith("postmaster");
        } catch (IOException e) {
            return false;
        }
    }
}
