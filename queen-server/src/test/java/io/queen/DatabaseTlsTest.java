package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PG_USE_SSL with PG_SSL_REJECT_UNAUTHORIZED and PG_SSL_ROOT_CERT against a PostgreSQL with a
 * self-signed certificate: encrypted without checks when asked, refused when the certificate
 * cannot be verified, accepted when its CA is given, and never silently in clear.
 */
class DatabaseTlsTest {

    @Test
    void tlsEncryptsAndVerifiesTheServerCertificateAsConfigured() throws Exception {
        PgCluster.assumeInstalled();
        Path certs = PgCluster.ownedDir("queen-tls-certs");
        Path cert = certs.resolve("server.crt");
        Path key = certs.resolve("server.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost").redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), out);
        PgCluster.giveToPostgres(cert, key);
        new ProcessBuilder("chmod", "600", key.toString()).start().waitFor();

        try (PgCluster pg = PgCluster.primary("queen-tls", "ssl = on", "ssl_cert_file = '" + cert + "'",
                "ssl_key_file = '" + key + "'")) {
            // encrypted, certificate not checked: the self-signed one is accepted
            TestServer unverified = TestServer.start(TestDirs.temp("queen-tls-a"), settings(pg,
                    "PG_SSL_REJECT_UNAUTHORIZED", "false"));
            try {
                assertPushWorks(unverified);
                assertEncryptedOnly(pg);
            } finally {
                unverified.stop();
            }

            // verified (the default with PG_USE_SSL): a self-signed certificate is not trusted
            Exception refused = assertThrows(Exception.class,
                    () -> TestServer.start(TestDirs.temp("queen-tls-b"), settings(pg)).stop());
            assertTrue(refused.getMessage().contains("PG_SSL_ROOT_CERT"),
                    "the failure should say what to set: " + refused.getMessage());

            // verified against the CA given in PG_SSL_ROOT_CERT, host name included
            TestServer verified = TestServer.start(TestDirs.temp("queen-tls-c"), settings(pg,
                    "PG_SSL_ROOT_CERT", cert.toString()));
            try {
                assertPushWorks(verified);
                assertEncryptedOnly(pg);
            } finally {
                verified.stop();
            }

            // the certificate names localhost, not 127.0.0.1: refused
            Map<String, String> wrongName = settings(pg, "PG_SSL_ROOT_CERT", cert.toString());
            wrongName.put("PG_HOST", "127.0.0.1:" + pg.port);
            assertThrows(Exception.class, () -> TestServer.start(TestDirs.temp("queen-tls-d"), wrongName).stop());
        }
    }

    private static Map<String, String> settings(PgCluster pg, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("PG_HOST", "localhost:" + pg.port, "PG_USER", "postgres",
                "PG_DB", "postgres", "PG_USE_SSL", "true", "DB_CONNECTION_TIMEOUT", "2000"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static void assertPushWorks(TestServer server) {
        String q = "tls-" + System.nanoTime();
        Http.Response pushed = server.http.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", q).put("payload", new JsonObject().put("n", 1)))));
        assertEquals(201, pushed.status(), pushed.body());
        assertEquals("queued", pushed.array().getJsonObject(0).getString("status"), pushed.body());
        Http.Response popped = server.http.get("/api/v1/pop/queue/" + q + "?autoAck=true");
        assertEquals(200, popped.status(), popped.body());
    }

    /** Every connection the server holds is encrypted. */
    private static void assertEncryptedOnly(PgCluster pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl() + "&sslmode=disable");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FILTER (WHERE s.ssl), "
                     + "count(*) FILTER (WHERE NOT s.ssl) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) "
                     + "WHERE a.application_name = 'queen-jvm'")) {
            assertTrue(rs.next());
            assertTrue(rs.getLong(1) > 0, "no encrypted connection of the server");
            assertEquals(0, rs.getLong(2), "connections in clear");
        }
    }
}
