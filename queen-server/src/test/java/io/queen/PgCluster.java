package io.queen;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster run from the system's PostgreSQL 15 binaries (Debian's postgresql-15),
 * for the tests of production topologies the embedded database cannot play: a standby that is
 * promoted, TLS, PgBouncer in front. PostgreSQL refuses to run as root, so as root the commands
 * run as the {@code postgres} user. Without the binaries these tests are skipped, unless
 * {@code QUEEN_TOPOLOGY_TESTS=required} (CI sets it after installing them) makes that a failure.
 */
final class PgCluster implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    final Path dir;
    final int port;
    private boolean running;

    private PgCluster(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static void assumeInstalled() {
        boolean installed = Files.isExecutable(BIN.resolve("postgres"));
        if (!installed && "required".equals(System.getenv("QUEEN_TOPOLOGY_TESTS"))) {
            Assertions.fail("PostgreSQL 15 binaries missing in " + BIN + " (apt-get install postgresql-15)");
        }
        Assumptions.assumeTrue(installed, "PostgreSQL 15 binaries not installed in " + BIN);
    }

    /** A new primary, trust authentication on 127.0.0.1, ready for streaming replication. */
    static PgCluster primary(String name, String... settings) throws Exception {
        PgCluster pg = new PgCluster(ownedDir(name), freePort());
        pg.run(BIN.resolve("initdb").toString(), "-D", pg.dir.toString(), "-U", "postgres", "--auth=trust",
                "--no-sync", "-E", "UTF8");
        List<String> conf = new ArrayList<>(List.of("listen_addresses = '127.0.0.1'", "port = " + pg.port,
                "unix_socket_directories = '" + pg.dir + "'", "wal_level = replica", "max_wal_senders = 5",
                "max_connections = 200", "fsync = off", "shared_buffers = 32MB"));
        conf.addAll(List.of(settings));
        Files.write(pg.dir.resolve("postgresql.conf"), conf, java.nio.file.StandardOpenOption.APPEND);
        Files.write(pg.dir.resolve("pg_hba.conf"), List.of("host replication all 127.0.0.1/32 trust"),
                java.nio.file.StandardOpenOption.APPEND);
        pg.start();
        return pg;
    }

    /** A streaming standby of {@code primary}, cloned with pg_basebackup. */
    static PgCluster standbyOf(PgCluster primary, String name) throws Exception {
        PgCluster pg = new PgCluster(ownedDir(name), freePort());
        pg.run(BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(primary.port),
                "-U", "postgres", "-D", pg.dir.toString(), "-R", "-X", "stream", "--no-sync",
                "-d", "application_name=standby");
        // once promoted it has no standby of its own: waiting for one would block every commit
        Files.write(pg.dir.resolve("postgresql.auto.conf"), List.of("port = " + pg.port,
                "unix_socket_directories = '" + pg.dir + "'", "hot_standby = on", "synchronous_standby_names = ''"),
                java.nio.file.StandardOpenOption.APPEND);
        pg.start();
        return pg;
    }

    void start() throws Exception {
        run(BIN.resolve("pg_ctl").toString(), "-D", dir.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "start");
        running = true;
    }

    /** The standby becomes a primary (waits until it accepts writes). */
    void promote() throws Exception {
        run(BIN.resolve("pg_ctl").toString(), "-D", dir.toString(), "-w", "-t", "60", "promote");
    }

    /** Like a crash: no shutdown checkpoint, clients cut off. */
    void kill() throws Exception {
        run(BIN.resolve("pg_ctl").toString(), "-D", dir.toString(), "-m", "immediate", "stop");
        running = false;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    @Override
    public void close() throws Exception {
        if (running) {
            run(BIN.resolve("pg_ctl").toString(), "-D", dir.toString(), "-m", "fast", "-w", "stop");
            running = false;
        }
    }

    /** Runs a command (as postgres when we are root), failing with its output when it fails. */
    void run(String... command) throws Exception {
        Process p = new ProcessBuilder(asPostgres(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + new String(out)
                    + (Files.exists(dir.resolve("server.log")) ? "\nserver.log:\n"
                    + Files.readString(dir.resolve("server.log")) : ""));
        }
    }

    /** An empty folder the postgres user owns, deleted with the test's other folders. */
    static Path ownedDir(String name) throws Exception {
        Path parent = TestDirs.temp(name);
        Path dir = parent.resolve("pg");
        Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        giveToPostgres(parent);
        return dir;
    }

    /** The command line that runs {@code command} as the postgres user (as it is, unless we are root). */
    static List<String> asPostgres(String... command) {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    /** Hands files and folders (recursively) to the postgres user when we are root. */
    static void giveToPostgres(Path... paths) throws Exception {
        if (!ROOT) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("chown", "-R", "postgres:postgres"));
        for (Path path : paths) {
            command.add(path.toString());
        }
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
