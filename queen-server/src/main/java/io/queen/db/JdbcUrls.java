package io.queen.db;

import io.queen.config.DatabaseSettings;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The same database settings as the reactive pools ({@link Databases#connectOptions}) in the
 * form of a JDBC URL, for the one tool that speaks JDBC: the schema migrations at start-up.
 * Hosts, primary selection, TLS mode and trust, connect timeout.
 */
final class JdbcUrls {
    private JdbcUrls() {
    }

    static String of(DatabaseSettings db) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://")
                .append(db.hosts.stream().map(a -> a.host() + ":" + a.port()).collect(Collectors.joining(",")))
                .append('/').append(encode(db.database))
                .append("?ApplicationName=queen-jvm-migrations")
                // several hosts: the one that accepts writes, as PrimaryLocator picks for the pools
                .append("&targetServerType=primary")
                .append("&connectTimeout=").append(Math.max(1, (db.connectTimeoutMs + 999) / 1000))
                // as on the pools' connections: no NOTICEs ("already exists, skipping"), which
                // Flyway would log as warnings on every fresh start
                .append("&options=").append(encode("-c client_min_messages=warning"));
        switch (db.tls) {
            case OFF -> url.append("&sslmode=disable");
            case ENCRYPT -> url.append("&sslmode=require&sslfactory=org.postgresql.ssl.NonValidatingFactory");
            case VERIFY -> {
                url.append("&sslmode=verify-full");
                if (db.sslRootCert != null) {
                    url.append("&sslrootcert=").append(encode(db.sslRootCert.toString()));
                } else {
                    // the JDK's CA certificates, as for the pools (libpq would read ~/.postgresql/root.crt)
                    url.append("&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
                }
            }
        }
        return url.toString();
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        return DriverManager.getConnection(url, credentials);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
