package io.queen.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The file buffer's disk running full. When the soak runs as root, one server's buffer
 * folder is a small tmpfs of its own, mounted before that server starts; the fault fills it
 * with a ballast file and then makes the servers write to their buffers (push maintenance
 * on). The server on the full disk must then refuse pushes (the spec says 500 with per-item
 * "failed"), never answer "buffered" for something it could not write.
 */
final class DiskFull implements AutoCloseable {
    private static final String SIZE = "16m";

    private final Path dir;
    private final String unavailable;
    private boolean mounted;

    private DiskFull(Path dir, String unavailable) {
        this.dir = dir;
        this.unavailable = unavailable;
    }

    /** Mounts the tmpfs on the server's buffer folder, or says why the fault cannot run. */
    static DiskFull prepare(ServerNode server) {
        if (!isRoot()) {
            return new DiskFull(server.bufferDir, "not running as root: cannot mount a small tmpfs as the buffer disk");
        }
        try {
            String out = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "queen-soak-buffer",
                    server.bufferDir.toString()));
            if (out != null) {
                return new DiskFull(server.bufferDir, "mount of a tmpfs failed: " + out);
            }
        } catch (IOException e) {
            return new DiskFull(server.bufferDir, "mount could not run: " + e.getMessage());
        }
        DiskFull d = new DiskFull(server.bufferDir, null);
        d.mounted = true;
        return d;
    }

    /** Null when the fault can run, else the reason it is skipped. */
    String unavailable() {
        return unavailable;
    }

    /** Writes a ballast file until the disk refuses more; answers the bytes written. */
    long fill() throws IOException {
        long written = 0;
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(dir.resolve("ballast"))) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            // "No space left on device": the point
        }
        // the tail that fit in the last partial chunk may have been written by the close above
        if (Files.getFileStore(dir).getUsableSpace() > 4096) {
            throw new IOException("the buffer disk still has " + Files.getFileStore(dir).getUsableSpace()
                    + " bytes free after the ballast");
        }
        return written;
    }

    void empty() throws IOException {
        Files.deleteIfExists(dir.resolve("ballast"));
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1].equals("0"); // effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: not root as far as this fault is concerned
        }
        return false;
    }

    /** Runs a command; answers null on success, else its output. */
    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? null : out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() throws IOException {
        if (mounted) {
            mounted = false;
            String out = run(List.of("umount", "-l", dir.toString()));
            if (out != null) {
                System.err.println("soak: could not unmount the buffer tmpfs " + dir + ": " + out);
            }
        }
    }
}
