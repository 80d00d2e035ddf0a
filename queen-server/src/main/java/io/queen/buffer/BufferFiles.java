package io.queen.buffer;

import io.queen.queue.UuidV7;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The buffer directory: one file being written ({@code failover_<uuidv7>.buf.tmp}), complete
 * files waiting to be drained ({@code .buf}, oldest first by name) and files that could not
 * be drained ({@code failed/}). Blocking I/O: used only from the file buffer's worker
 * context, one call at a time, so it needs no locking.
 */
final class BufferFiles {
    private static final Logger LOG = LoggerFactory.getLogger(BufferFiles.class);
    private static final String PREFIX = "failover_";
    private static final String COMPLETE = ".buf";
    private static final String WRITING = ".buf.tmp";

    private final Path dir;
    private final Path failedDir;
    private final int eventsPerFile;

    private FileChannel current;
    private Path currentPath;
    private int eventsInCurrent;
    private long pendingEvents;
    private final BufferedPartitions partitions;
    private boolean writable = true;

    BufferFiles(Path dir, int eventsPerFile, BufferedPartitions partitions) {
        this.partitions = partitions;
        this.dir = dir;
        this.failedDir = dir.resolve("failed");
        this.eventsPerFile = eventsPerFile;
    }

    /** Finalizes files a previous run was writing and counts what waits to be drained. */
    void open() throws IOException {
        Files.createDirectories(failedDir);
        for (Path tmp : list(dir, WRITING)) {
            finalizeFile(tmp);
        }
        pendingEvents = 0;
        for (Path file : ready()) {
            try {
                List<BufferRecords.Event> events = read(file);
                pendingEvents += events.size();
                partitions.added(events);
            } catch (IOException e) {
                LOG.error("Buffer file {} is unreadable, moved to failed/: {}", file, e.toString());
                Files.move(file, failedDir.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** Appends records and forces them to disk: when this returns, they survive a crash. */
    void append(Buffer records, int events) throws IOException {
        try {
            if (current == null) {
                currentPath = dir.resolve(PREFIX + UuidV7.next() + WRITING);
                current = FileChannel.open(currentPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                eventsInCurrent = 0;
            }
            ByteBuffer bytes = ByteBuffer.wrap(records.getBytes());
            while (bytes.hasRemaining()) {
                current.write(bytes);
            }
            current.force(false);
        } catch (IOException e) {
            writable = false;
            // the file may end in a partial record now: never append behind it
            rotate();
            throw e;
        }
        writable = true;
        eventsInCurrent += events;
        pendingEvents += events;
        if (eventsInCurrent >= eventsPerFile) {
            rotate();
        }
    }

    /** Closes the file being written (if it has anything) so that it can be drained. */
    void rotate() {
        if (current == null) {
            return;
        }
        try {
            current.close();
            finalizeFile(currentPath);
        } catch (IOException e) {
            LOG.error("Could not close buffer file {}: {}", currentPath, e.toString());
        } finally {
            current = null;
            currentPath = null;
        }
    }

    private static void finalizeFile(Path tmp) throws IOException {
        String name = tmp.getFileName().toString();
        Path done = tmp.resolveSibling(name.substring(0, name.length() - ".tmp".length()));
        Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Complete files, oldest first (the names are time-ordered UUIDv7s). */
    List<Path> ready() throws IOException {
        return list(dir, COMPLETE);
    }

    List<BufferRecords.Event> read(Path file) throws IOException {
        return BufferRecords.decode(Files.readAllBytes(file));
    }

    void drained(Path file, List<BufferRecords.Event> events) throws IOException {
        Files.delete(file);
        pendingEvents -= events.size();
        partitions.removed(events);
    }

    /** Sets aside a file that the database refused, so that it does not block the ones behind it. */
    void setAside(Path file, List<BufferRecords.Event> events) throws IOException {
        Files.move(file, failedDir.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        pendingEvents -= events.size();
        partitions.removed(events);
    }

    /** Puts the set-aside files back in line for another attempt. */
    void retryFailed() throws IOException {
        for (Path file : list(failedDir, COMPLETE)) {
            List<BufferRecords.Event> events = read(file);
            Files.move(file, dir.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            pendingEvents += events.size();
            partitions.added(events);
        }
    }

    /** Files set aside in failed/ and their size on disk. */
    record Failed(int count, long bytes) {
    }

    Failed failed() throws IOException {
        long bytes = 0;
        List<Path> failed = list(failedDir, COMPLETE);
        for (Path file : failed) {
            bytes += Files.size(file);
        }
        return new Failed(failed.size(), bytes);
    }

    long pendingEvents() {
        return pendingEvents;
    }

    /** False after a failed write, until the next write succeeds. */
    boolean writable() {
        return writable;
    }

    private static List<Path> list(Path in, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(in)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(PREFIX) && name.endsWith(suffix);
            }).sorted().toList();
        }
    }
}
