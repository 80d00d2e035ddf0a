package io.queen.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and resident memory of the server process, read from /proc (Linux only). */
public final class ProcessStats {
    private final int pid;
    private final long ticksPerSecond;

    public ProcessStats(int pid) {
        this.pid = pid;
        this.ticksPerSecond = clockTicks();
    }

    int pid() {
        return pid;
    }

    /** utime + stime of the process, in nanoseconds; -1 when unreadable. */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            // the command name (field 2) may contain spaces, so count fields after its closing ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // after ')' the first field is field 3 (state); utime is field 14, stime field 15
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1_000_000_000L / ticksPerSecond;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
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
