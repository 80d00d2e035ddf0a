package io.queen.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand on a socket, for what a well-behaved client library will not do:
 * announce a body and never send it, or walk away in the middle of a request.
 */
final class RawHttp {
    record Head(int status, String retryAfter) {
    }

    private RawHttp() {
    }

    static Socket connect(int port, int timeoutMs) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
        s.setSoTimeout(timeoutMs);
        return s;
    }

    static void sendHead(Socket s, String method, String path, long contentLength) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        if (contentLength >= 0) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(contentLength).append("\r\n");
        }
        s.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Reads the status line and headers of the answer (the body is left unread). */
    static Head readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the answer's headers");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        String retryAfter = null;
        for (String line : lines) {
            if (line.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                retryAfter = line.substring(12).trim();
            }
        }
        return new Head(status, retryAfter);
    }

    /** Closes with a reset (no FIN, no TIME_WAIT left behind), as a crashed client would. */
    static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
