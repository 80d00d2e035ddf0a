package io.queen;

import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A pop whose client leaves before the answer must not keep the messages leased. */
class PopDisconnectTest {
    private final TestServer server = TestServer.shared();
    private final QueueClient client = new QueueClient(server.http);

    @Test
    void messagesLeasedForAClientThatLeftAreAvailableAtOnce() throws Exception {
        String q = QueueClient.uniqueQueue();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            ids.add("d-" + i);
        }
        client.pushMany(q, "p", ids);

        // a large batch keeps the pop in the database long enough for the close to arrive first
        try (Socket socket = new Socket("127.0.0.1", server.port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/pop/queue/" + q + "?batch=3000 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        long deadline = System.currentTimeMillis() + 5000;
        List<String> popped = List.of();
        while (popped.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            popped = client.popTransactionIds(q, null, 3000, true);
        }
        // the queue's lease time is 300 s: only the give-back explains getting them now
        assertEquals(ids, popped, "every message, in order, long before the lease would expire");
    }
}
