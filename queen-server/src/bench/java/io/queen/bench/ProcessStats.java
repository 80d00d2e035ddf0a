package io.queen.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and resident memory of the server process, read from /proc (Linux only). */
public final class ProcessStats {
    /** USER_HZ, asked once: PostgreSQL accounting builds a ProcessStats per backend. */
    private static final long TICKS_PER_SECOND = clockTicks();

    private final int pid;

    public ProcessStats(int pid) {
        this.pid = pid;
    }

    int pid() {
        return pid;
    }

    /** utime + stime of the process, in nanoseconds; -1 when unreadable. */
    long cpuNanos() {
        String[] f = statFields(pid);
        // after ')' the first field is field 3 (state); utime is field 14, stime field 15
        return f == null ? -1 : ticksToNanos(Long.parseLong(f[11]) + Long.parseLong(f[12]));
    }

    /**
     * CPU of the children this process has already waited for (cutime + cstime, fields 16
     * and 17), in nanoseconds; -1 when unreadable. A parent that forks short-lived workers
     * (PostgreSQL's postmaster) keeps their CPU here once they have exited.
     */
    long reapedChildrenCpuNanos() {
        String[] f = statFields(pid);
        return f == null ? -1 : ticksToNanos(Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }

    /** The parent's pid (field 4); -1 when unreadable. */
    int parentPid() {
        String[] f = statFields(pid);
        return f == null ? -1 : Integer.parseInt(f[1]);
    }

    /** Fields of /proc/PID/stat from field 3 on; null when the process is gone or unreadable. */
    private static String[] statFields(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            // the command name (field 2) may contain spaces, so count fields after its closing ')'
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ticksToNanos(long ticks) {
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** VmRSS in kB; -1 when unreadable. */
    public long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** USER_HZ, almost always 100; asked of getconf so an unusual kernel still gives right figures. */
    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100;
        }
    }

    /**
     * The process listening on TCP {@code port}: finds the LISTEN socket's inode in
     * /proc/net/tcp and tcp6, then the process that holds a descriptor on socket:[inode].
     */
    static Integer findListener(int port) {
        String inode = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    String local = f[1];
                    int localPort = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                    if (localPort == port && f[3].equals("0A")) { // 0A = TCP_LISTEN
                        inode = f[9];
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // table missing (no IPv6): try the other one
            }
            if (inode != null) {
                break;
            }
        }
        if (inode == null) {
            return null;
        }
        String target = "socket:[" + inode + "]";
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(target)) {
                                return Integer.parseInt(proc.getFileName().toString());
                            }
                        } catch (IOException e) {
                            // descriptor closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process or gone: skip it
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
