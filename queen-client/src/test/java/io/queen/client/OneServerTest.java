package io.queen.client;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;
import java.util.UUID;

/** A test class with one server of its own (started once for the class) and a client of it. */
abstract class OneServerTest {
    static TestServers.Running server;
    static Queen queen;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServers.start();
        queen = Queen.builder().url(server.url()).requestTimeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void stopServer() {
        queen.close();
        server.stop();
    }

    /** A queue name no other test uses. */
    static String q(String name) {
        return name + "-" + UUID.randomUUID();
    }
}
