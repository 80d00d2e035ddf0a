package io.queen.db;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.queen.config.DatabaseSettings;
import io.queen.config.QueenConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DB_KEEPALIVES_* and DB_TCP_USER_TIMEOUT_MS reach both ends of every database socket. */
class SocketTuningTest {

    @Test
    void keepaliveAndUserTimeoutAreSetOnBothEndsOfPooledConnections() throws Exception {
        Path dir = Files.createTempDirectory("queen-socket-tuning");
        try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir, 0)) {
            DatabaseSettings db = QueenConfig.from(Map.of("PG_HOST", "localhost", "PG_PORT", Integer.toString(pg.port()),
                    "DB_KEEPALIVES_IDLE", "45", "DB_KEEPALIVES_INTERVAL", "7", "DB_KEEPALIVES_COUNT", "4",
                    "DB_TCP_USER_TIMEOUT_MS", "12345")).db;
            Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            try {
                assertTrue(vertx.isNativeTransportEnabled(), "Linux native transport: " + vertx.unavailableNativeTransportCause());
                Pool pool = Databases.pool(vertx, db, 2, "tuning-test");
                SqlConnection conn = pool.getConnection().await();
                try {
                    Channel channel = SocketTuning.channelOf(conn);
                    assertEquals(true, channel.config().getOption(ChannelOption.SO_KEEPALIVE));
                    assertEquals(45, channel.config().getOption(EpollChannelOption.TCP_KEEPIDLE));
                    assertEquals(7, channel.config().getOption(EpollChannelOption.TCP_KEEPINTVL));
                    assertEquals(4, channel.config().getOption(EpollChannelOption.TCP_KEEPCNT));
                    assertEquals(12345, channel.config().getOption(EpollChannelOption.TCP_USER_TIMEOUT));
                    // PostgreSQL's end of the same connection
                    List<String> server = conn.query("SELECT current_setting('tcp_keepalives_idle') || ',' "
                                    + "|| current_setting('tcp_keepalives_interval') || ',' "
                                    + "|| current_setting('tcp_keepalives_count') || ',' || current_setting('tcp_user_timeout')")
                            .execute().await().iterator().next().getString(0).lines().toList();
                    assertEquals(List.of("45,7,4,12345"), server);
                } finally {
                    conn.close().await();
                    pool.close().await();
                }
            } finally {
                vertx.close().await();
            }
        }
    }
}
