package io.queen.db;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.queen.config.DatabaseSettings;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.internal.Connection;
import io.vertx.sqlclient.internal.SqlConnectionInternal;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libpq's keepalive settings and {@code tcp_user_timeout} on this side of each database socket,
 * so that a database that vanished without closing the connection (a crashed host, a network
 * partition) is noticed within about {@code idle + interval x count} seconds, and a write that
 * stays unacknowledged fails after the user timeout, instead of a request waiting forever.
 * The Vert.x 5.0 client offers keepalive timing on no public option (and does not pass its
 * keepalive flag on to the socket), so this sets them on the socket after connecting.
 */
public final class SocketTuning {
    private static final Logger LOG = LoggerFactory.getLogger(SocketTuning.class);

    private SocketTuning() {
    }

    /** Applies the settings to the connection's socket; answers false (and says why, once) when it cannot. */
    public static boolean apply(SqlConnection connection, DatabaseSettings db) {
        Channel channel = channelOf(connection);
        if (channel == null) {
            return false;
        }
        var config = channel.config();
        config.setOption(ChannelOption.SO_KEEPALIVE, true);
        if (channel instanceof EpollSocketChannel) {
            config.setOption(EpollChannelOption.TCP_KEEPIDLE, db.keepalivesIdleSeconds);
            config.setOption(EpollChannelOption.TCP_KEEPINTVL, db.keepalivesIntervalSeconds);
            config.setOption(EpollChannelOption.TCP_KEEPCNT, db.keepalivesCount);
            config.setOption(EpollChannelOption.TCP_USER_TIMEOUT, db.tcpUserTimeoutMs);
        } else {
            // the JDK's transport has the keepalive timings but no user timeout
            config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), db.keepalivesIdleSeconds);
            config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), db.keepalivesIntervalSeconds);
            config.setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), db.keepalivesCount);
        }
        return true;
    }

    /** The Netty channel under a (pooled) connection, or null if the client's internals differ. */
    static Channel channelOf(SqlConnection connection) {
        try {
            Connection c = ((SqlConnectionInternal) connection).unwrap();
            while (!(c instanceof SocketConnectionBase) && c.unwrap() != c) {
                c = c.unwrap();
            }
            return ((SocketConnectionBase) c).socket().channelHandlerContext().channel();
        } catch (RuntimeException e) {
            Warning.once(e);
            return null;
        }
    }

    /** One log line per process, not one per connection. */
    private static final class Warning {
        private static volatile boolean logged;

        static void once(RuntimeException e) {
            if (!logged) {
                logged = true;
                LOG.warn("Cannot set TCP keepalive timings on database sockets ({}); the operating system's "
                        + "defaults apply", e.toString());
            }
        }
    }
}
