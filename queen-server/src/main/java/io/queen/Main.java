package io.queen;

import io.queen.config.ConfigException;
import io.queen.config.QueenConfig;
import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/** Entry point: configuration from the environment, then the server until SIGINT/SIGTERM. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // before the first logger exists: slf4j-simple reads its level once
        String level = System.getenv("LOG_LEVEL");
        if (level != null && !level.isBlank()) {
            String l = level.trim().toLowerCase(java.util.Locale.ROOT);
            if (!java.util.Set.of("trace", "debug", "info", "warn", "error").contains(l)) {
                System.err.println("Invalid configuration: LOG_LEVEL must be trace, debug, info, warn or error, got '"
                        + level + "'");
                System.exit(2);
            }
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", l);
        }
        // Vert.x and the PostgreSQL client log through SLF4J like the rest of the server
        System.setProperty("vertx.logger-delegate-factory-class-name",
                "io.vertx.core.logging.SLF4JLogDelegateFactory");
        QueenConfig config;
        try {
            config = QueenConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        QueenServer server;
        try {
            server = QueenServer.start(config);
        } catch (Exception e) {
            System.err.println("Queen failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable shutdown = () -> {
            if (stopping.compareAndSet(false, true)) {
                server.stop();
                System.exit(0);
            }
        };
        // handled here (not only as a shutdown hook) so that a signal means a clean exit 0
        Signal.handle(new Signal("TERM"), s -> new Thread(shutdown, "queen-shutdown").start());
        Signal.handle(new Signal("INT"), s -> new Thread(shutdown, "queen-shutdown").start());
    }
}
