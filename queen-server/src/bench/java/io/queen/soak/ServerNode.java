package io.queen.soak;

import io.queen.bench.ProcessStats;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Queen server run as a child process on the soak's database (through the proxy), on a
 * fixed port so that clients find it again after a restart. Its log goes to a file in its
 * folder; restarts append to it.
 */
final class ServerNode {
    /**
     * bin/queen-server's JVM settings: the soak watches the memory of the server as shipped.
     * Keep the two in step.
     */
    private static final List<String> JAVA_OPTS = List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
            "-XX:-ShrinkHeapInSteps", "-Xms16m", "-Xmx128m", "-Xmn16m", "-XX:SurvivorRatio=3",
            "-XX:MinHeapFreeRatio=20", "-XX:MaxHeapFreeRatio=60", "-XX:MaxMetaspaceSize=96m",
            "-XX:ReservedCodeCacheSize=32m", "-Xss512k", "-XX:MaxDirectMemorySize=64m",
            "-Dio.netty.allocator.numDirectArenas=2", "-Dio.netty.allocator.numHeapArenas=2",
            "-Dio.netty.allocator.maxOrder=7");
    /** Small limits so that the oversized-body fault needs little memory on the client side. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    static final int BODY_MEMORY_BYTES = 3 * MAX_BODY_BYTES;
    static final int PUSH_DB_TIMEOUT_MS = 4000;

    final String name;
    final int port;
    final Path dir;
    final Path bufferDir;
    private final int pgPort;
    private final Path log;
    private Process process;
    private ProcessStats stats;
    private volatile boolean expectedDown;
    private int unexpectedExits;
    private long rssStartKb = -1;
    private long rssPeakKb = -1;
    private long rssLastKb = -1;

    ServerNode(String name, Path workDir, int pgPort) throws IOException {
        this.name = name;
        this.port = freePort();
        this.dir = workDir.resolve("server-" + name);
        this.bufferDir = dir.resolve("buffer");
        this.pgPort = pgPort;
        this.log = dir.resolve("server.log");
        Files.createDirectories(bufferDir);
    }

    /** The settings every soak server runs with, for the report's header. */
    static String settings() {
        return "QUEEN_THREADS=2, bin/queen-server's JVM options (-Xmx128m, serial GC), QUEEN_MAX_BODY_BYTES="
                + MAX_BODY_BYTES + ", QUEEN_BODY_MEMORY_BYTES=" + BODY_MEMORY_BYTES + ", QUEEN_PUSH_DB_TIMEOUT_MS="
                + PUSH_DB_TIMEOUT_MS;
    }

    synchronized void start() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JAVA_OPTS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.queen.Main");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.put("PG_HOST", "127.0.0.1");
        env.put("PG_PORT", Integer.toString(pgPort));
        env.put("PG_USER", "postgres");
        env.put("PG_DB", "postgres");
        env.put("QUEEN_DATA_DIR", dir.toString());
        env.put("FILE_BUFFER_DIR", bufferDir.toString());
        env.put("QUEEN_THREADS", "2");
        env.put("QUEEN_MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES));
        env.put("QUEEN_BODY_MEMORY_BYTES", Integer.toString(BODY_MEMORY_BYTES));
        env.put("WORKER_ID", "soak-" + name);
        // well inside the unreachable-database fault, so that pushes caught by it fail over to
        // the buffer and race the late commit of their abandoned call (the default is 35 s)
        env.put("QUEEN_PUSH_DB_TIMEOUT_MS", Integer.toString(PUSH_DB_TIMEOUT_MS));
        env.put("MALLOC_ARENA_MAX", "1");
        env.put("MALLOC_MMAP_THRESHOLD_", "16384");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        stats = new ProcessStats((int) process.pid());
        expectedDown = false;
    }

    /** SIGKILL: no shutdown hook, no clean close, exactly like a crash or an OOM kill. */
    synchronized void kill() throws InterruptedException {
        expectedDown = true;
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM and wait: the clean shutdown at the end of the run. */
    synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        expectedDown = true;
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** True when the process died without the soak killing it (a crash: the server has a bug). */
    synchronized boolean crashed() {
        if (process != null && !process.isAlive() && !expectedDown) {
            unexpectedExits++;
            expectedDown = true;
            return true;
        }
        return false;
    }

    synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    synchronized int unexpectedExits() {
        return unexpectedExits;
    }

    /** Samples the resident memory; call about once a second. */
    synchronized long sampleRss() {
        if (process == null || !process.isAlive()) {
            return -1;
        }
        long kb = stats.rssKb();
        if (kb > 0) {
            if (rssStartKb < 0) {
                rssStartKb = kb;
            }
            rssPeakKb = Math.max(rssPeakKb, kb);
            rssLastKb = kb;
        }
        return kb;
    }

    synchronized long rssStartKb() {
        return rssStartKb;
    }

    synchronized long rssPeakKb() {
        return rssPeakKb;
    }

    synchronized long rssLastKb() {
        return rssLastKb;
    }

    Path log() {
        return log;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return name + " (port " + port + ", log " + log + ")";
    }
}
