package io.queen.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a server that can lose answers: while {@link #dropAnswers} is positive,
 * a connection's request reaches the server, the server answers, and the proxy closes the
 * connection without passing the answer on (what a client sees when a network dies mid-call).
 */
final class DroppingProxy implements AutoCloseable {
    final AtomicInteger dropAnswers = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket listener;
    private final int target;
    private volatile String counted = "";

    DroppingProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0);
        Thread accept = new Thread(this::accept, "dropping-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Counts the requests whose first line starts with {@code prefix} (e.g. {@code "POST /api/v1/ack"}). */
    void count(String prefix) {
        counted = prefix;
        requests.set(0);
    }

    int counted() {
        return requests.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread t = new Thread(() -> serve(client), "dropping-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket upstream = new Socket("127.0.0.1", target)) {
            Thread up = new Thread(() -> copy(client, upstream, true), "dropping-proxy-up");
            up.setDaemon(true);
            up.start();
            InputStream fromServer = upstream.getInputStream();
            OutputStream toClient = client.getOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = fromServer.read(buf)) > 0) {
                if (dropAnswers.getAndDecrement() > 0) {
                    return; // the server answered; the client never hears it
                }
                dropAnswers.incrementAndGet();
                toClient.write(buf, 0, n);
                toClient.flush();
            }
        } catch (IOException e) {
            // connection gone
        }
    }

    private void copy(Socket from, Socket to, boolean countRequests) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (countRequests && !counted.isEmpty()
                        && new String(buf, 0, n, StandardCharsets.ISO_8859_1).startsWith(counted)) {
                    requests.incrementAndGet();
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
