package io.queen.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL server run by this process from the binaries on the classpath, so that one
 * command starts Queen on a machine without a database. Its data folder persists: the
 * cluster is created on first use and reopened afterwards.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /** @param port 0 picks a free port */
    public static synchronized EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        // The binaries are unpacked once per machine. A start killed while unpacking leaves a
        // partial folder that would fail every later start, so completion is marked, and an
        // unmarked folder is cleared first. The lock keeps concurrent starts from racing.
        Path runtime = Path.of(System.getProperty("java.io.tmpdir"), "queen-embedded-pg");
        Files.createDirectories(runtime);
        try (FileChannel channel = FileChannel.open(runtime.resolve(".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            Path complete = runtime.resolve(".complete");
            if (!Files.exists(complete)) {
                clear(runtime);
            }
            EmbeddedDatabase db = start(dataDir, port, runtime);
            if (!Files.exists(complete)) {
                Files.createFile(complete);
            }
            return db;
        }
    }

    private static void clear(Path runtime) throws IOException {
        try (Stream<Path> entries = Files.list(runtime)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!entry.getFileName().toString().equals(".lock")) {
                    try (Stream<Path> tree = Files.walk(entry)) {
                        for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                            Files.delete(p);
                        }
                    }
                }
            }
        }
    }

    private static EmbeddedDatabase start(Path dataDir, int port, Path runtime) throws IOException {
        Path pgData = dataDir.resolve("pg");
        Files.createDirectories(pgData);
        boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
        LOG.info("{} embedded PostgreSQL in {}", fresh ? "Initialising" : "Starting", pgData);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "128MB")
                .setServerConfig("synchronous_commit", "on")
                .setOverrideWorkingDirectory(runtime.toFile());
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres pg = builder.start();
        LOG.info("Embedded PostgreSQL listening on localhost:{}", pg.getPort());
        return new EmbeddedDatabase(pg, dataDir);
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws IOException {
        LOG.info("Stopping embedded PostgreSQL");
        postgres.close();
    }
}
