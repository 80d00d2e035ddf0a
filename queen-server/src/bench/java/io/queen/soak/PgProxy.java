package io.queen.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy between the servers and PostgreSQL that can cut the network.
 *
 * <p>{@link #stall()} is the default partition: bytes stop moving in both directions and new
 * connections are accepted but never reach PostgreSQL, and nobody is told. That is what a
 * real partition (a dead switch, a lost route) looks like from both ends: no reset, no
 * refusal, just silence until a timeout fires somewhere. Resetting everything instead would
 * be the gentle case (errors arrive at once), and a PostgreSQL restart already produces
 * exactly that, so the soak gets both. {@link #reset()} is kept for comparison runs.
 *
 * <p>Blocking sockets and two threads per connection: a few dozen pool connections at most,
 * and the code stays obvious.
 */
public final class PgProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private boolean stalled;
    private volatile boolean refusing;
    private volatile boolean closed;

    public PgProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "pg-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Nothing moves and new connections hang until {@link #heal()}. */
    public void stall() {
        synchronized (gate) {
            stalled = true;
        }
    }

    /** Every connection is reset and new ones are closed at once until {@link #heal()}. */
    void reset() {
        refusing = true;
        closeAll();
    }

    public void heal() {
        refusing = false;
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    int openConnections() {
        return sockets.size() / 2;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    client.setSoLinger(true, 0); // RST, like a refused or reset connection
                    client.close();
                    continue;
                }
                sockets.add(client);
                Thread t = new Thread(() -> connect(client), "pg-proxy-connect");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    sleep(50);
                }
            }
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            awaitOpen();
            sockets.add(upstream);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            pump(client, upstream, "pg-proxy-up");
            pump(upstream, client, "pg-proxy-down");
        } catch (IOException e) {
            close(client);
            close(upstream);
        }
    }

    private void pump(Socket from, Socket to, String name) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[16 * 1024];
            try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    // data read during a stall is held here, not dropped: TCP would retransmit it
                    awaitOpen();
                    out.write(chunk, 0, n);
                }
            } catch (IOException e) {
                // either side went away: take the other one down with it, as a real peer would see
            } finally {
                close(from);
                close(to);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private void awaitOpen() {
        synchronized (gate) {
            while (stalled && !closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void closeAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                // closed already
            }
            close(s);
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        heal();
        listener.close();
        closeAll();
    }
}
