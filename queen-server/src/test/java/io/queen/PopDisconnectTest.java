package io.queen;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A pop whose client leaves before the answer must not keep the messages leased. */
class PopDisconnectTest {
    private static ServerOnOwnDatabase own;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-pop-disconnect");
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    @Test
    void messagesLeasedForAClientThatLeftAreAvailableAtOnce() throws Exception {
        QueueClient client = new QueueClient(own.server.http);
        String q = QueueClient.uniqueQueue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add("d-" + i);
        }
        client.pushMany(q, "p", ids);

        // the table lock holds the pop in the database until the client has certainly gone
        try (Connection c = own.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("LOCK TABLE queen.messages IN ACCESS EXCLUSIVE MODE");
            try (Socket socket = new Socket("127.0.0.1", own.server.port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /api/v1/pop/queue/" + q + "?batch=20 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(300);
            }
            Thread.sleep(300);
            c.commit();
        }

        long deadline = System.currentTimeMillis() + 5000;
        List<String> popped = List.of();
        while (popped.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            popped = client.popTransactionIds(q, null, 20, true);
        }
        // the queue's lease time is 300 s: only the give-back explains getting them now
        assertEquals(ids, popped, "every message, in order, long before the lease would expire");
    }
}
