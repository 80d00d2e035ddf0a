package io.queen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encryption at rest (spec 1.18) through the API, checked against the raw rows: AES-256-GCM in
 * the reference's stored shape on push, transactional push and buffer replay; decrypted on pop,
 * message detail and DLQ listing; a clear error for a message another key (or no key) cannot
 * read; and the stored format readable by an independent AES-GCM implementation both ways.
 */
class EncryptionTest {
    private static final String KEY = "4f".repeat(16) + "a1".repeat(16);
    private static ServerOnOwnDatabase own;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        own = ServerOnOwnDatabase.start("queen-crypto", "QUEEN_ENCRYPTION_KEY", KEY, "FILE_BUFFER_FLUSH_MS", "50");
        http = own.server.http;
    }

    @AfterAll
    static void stop() throws Exception {
        if (own != null) {
            own.close();
        }
    }

    private static String encryptedQueue() {
        String q = "enc-" + UUID.randomUUID().toString().substring(0, 8);
        Http.Response r = http.post("/api/v1/configure", new JsonObject().put("queue", q)
                .put("options", new JsonObject().put("encryptionEnabled", true).put("retryLimit", 0)));
        assertEquals(200, r.status(), r.body());
        assertEquals(true, r.json().getJsonObject("options").getBoolean("encryptionEnabled"));
        return q;
    }

    private static void push(Http client, String queue, JsonObject payload) {
        Http.Response r = client.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", queue).put("payload", payload))));
        assertEquals(201, r.status(), r.body());
    }

    /** {payload text, is_encrypted} of every message of the queue, oldest first. */
    private static List<String[]> rawRows(String queue) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = own.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT m.payload::text, m.is_encrypted FROM queen.messages m JOIN queen.partitions p ON p.id = m.partition_id "
                        + "JOIN queen.queues q ON q.id = p.queue_id WHERE q.name = ? ORDER BY m.created_at, m.id")) {
            s.setString(1, queue);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[]{rs.getString(1), Boolean.toString(rs.getBoolean(2))});
                }
            }
        }
        return rows;
    }

    private static JsonObject popOne(Http client, String queue) {
        Http.Response r = client.get("/api/v1/pop/queue/" + queue + "?wait=true&timeout=5000");
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("messages").getJsonObject(0);
    }

    /** An independent AES-256-GCM decryption of a stored envelope (not the server's code). */
    private static JsonObject decryptHere(String stored) throws Exception {
        JsonObject env = new JsonObject(stored);
        Base64.Decoder b64 = Base64.getDecoder();
        byte[] text = b64.decode(env.getString("encrypted"));
        byte[] tag = b64.decode(env.getString("authTag"));
        byte[] sealed = new byte[text.length + tag.length];
        System.arraycopy(text, 0, sealed, 0, text.length);
        System.arraycopy(tag, 0, sealed, text.length, tag.length);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(HexFormat.of().parseHex(KEY), "AES"),
                new GCMParameterSpec(128, b64.decode(env.getString("iv"))));
        return new JsonObject(new String(c.doFinal(sealed), StandardCharsets.UTF_8));
    }

    @Test
    void pushedPayloadsAreStoredEncryptedAndPoppedInClear() throws Exception {
        String q = encryptedQueue();
        JsonObject payload = new JsonObject().put("card", "4111-1111").put("amount", 42).put("note", "é ✓");
        push(http, q, payload);

        List<String[]> rows = rawRows(q);
        assertEquals(1, rows.size());
        assertFalse(rows.get(0)[0].contains("4111"), rows.get(0)[0]);
        assertEquals("true", rows.get(0)[1]);
        JsonObject stored = new JsonObject(rows.get(0)[0]);
        assertEquals(16, Base64.getDecoder().decode(stored.getString("iv")).length);
        assertEquals(16, Base64.getDecoder().decode(stored.getString("authTag")).length);
        assertEquals(payload, decryptHere(rows.get(0)[0]));

        JsonObject popped = popOne(http, q);
        assertEquals(payload, popped.getJsonObject("data"));
        Http.Response detail = http.get("/api/v1/messages/" + popped.getString("partitionId") + "/"
                + popped.getString("transactionId"));
        assertEquals(200, detail.status(), detail.body());
        assertEquals(payload, detail.json().getJsonObject("payload"));
        assertEquals(true, detail.json().getBoolean("isEncrypted"));

        // a failed message goes to the DLQ (retryLimit 0) and is listed decrypted
        Http.Response ack = http.post("/api/v1/ack", new JsonObject().put("transactionId", popped.getString("transactionId"))
                .put("partitionId", popped.getString("partitionId")).put("leaseId", popped.getString("leaseId"))
                .put("status", "failed").put("error", "boom"));
        assertEquals(200, ack.status(), ack.body());
        Http.Response dlq = http.get("/api/v1/dlq?queue=" + q);
        assertEquals(200, dlq.status(), dlq.body());
        assertEquals(payload, dlq.json().getJsonArray("messages").getJsonObject(0).getJsonObject("data"), dlq.body());
    }

    @Test
    void transactionalAndBufferedPushesAreEncryptedToo() throws Exception {
        String q = encryptedQueue();
        JsonObject txn = new JsonObject().put("operations", new JsonArray().add(new JsonObject().put("type", "push")
                .put("items", new JsonArray().add(new JsonObject().put("queue", q).put("payload", new JsonObject().put("v", "txn"))))));
        assertEquals(200, http.post("/api/v1/transaction", txn).status());

        assertEquals(200, http.post("/api/v1/system/maintenance", new JsonObject().put("enabled", true)).status());
        try {
            push(http, q, new JsonObject().put("v", "buffered"));
            // the buffer file never holds the clear text either
            try (var files = java.nio.file.Files.walk(own.server.dataDir)) {
                for (java.nio.file.Path f : files.filter(p -> p.getFileName().toString().endsWith(".buf")).toList()) {
                    assertFalse(java.nio.file.Files.readString(f, StandardCharsets.ISO_8859_1).contains("buffered"), f.toString());
                }
            }
        } finally {
            assertEquals(200, http.post("/api/v1/system/maintenance", new JsonObject().put("enabled", false)).status());
        }
        TestSql.awaitValue(2, () -> {
            try {
                return rawRows(q).size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (String[] row : rawRows(q)) {
            assertEquals("true", row[1]);
            assertTrue(row[0].contains("authTag"), row[0]);
        }
        Http.Response popped = http.get("/api/v1/pop/queue/" + q + "?batch=10&autoAck=true&wait=true&timeout=5000");
        assertEquals(200, popped.status(), popped.body());
        java.util.Set<String> values = new java.util.HashSet<>();
        for (Object o : popped.json().getJsonArray("messages")) {
            values.add(((JsonObject) o).getJsonObject("data").getString("v"));
        }
        assertEquals(java.util.Set.of("txn", "buffered"), values);
    }

    @Test
    void streamsSinkPushesIntoAnEncryptedQueueAreEncrypted() throws Exception {
        String q = encryptedQueue();
        Http.Response query = http.post("/streams/v1/queries", StreamsClient.registration("q-" + UUID.randomUUID(),
                "plain-source", q, "h", false));
        assertEquals(200, query.status(), query.body());
        Http.Response cycle = http.post("/streams/v1/cycle", StreamsClient.cycleBody(query.json().getString("query_id"),
                UUID.randomUUID().toString(), null, new JsonArray(),
                new JsonArray().add(StreamsClient.sinkItem(q, "Default", new JsonObject().put("v", "windowed"))), null));
        assertEquals(true, cycle.json().getValue("success"), cycle.body());
        List<String[]> rows = rawRows(q);
        assertEquals(1, rows.size());
        assertEquals("true", rows.get(0)[1]);
        assertFalse(rows.get(0)[0].contains("windowed"), rows.get(0)[0]);
        assertEquals("windowed", decryptHere(rows.get(0)[0]).getString("v"));
        assertEquals("windowed", popOne(http, q).getJsonObject("data").getString("v"));
    }

    @Test
    void plainQueuesStayPlain() throws Exception {
        String q = "plain-" + UUID.randomUUID().toString().substring(0, 8);
        push(http, q, new JsonObject().put("v", "clear"));
        List<String[]> rows = rawRows(q);
        assertEquals("false", rows.get(0)[1]);
        assertTrue(rows.get(0)[0].contains("clear"));
    }

    @Test
    void anEnvelopeWrittenByAnotherImplementationIsDecrypted() throws Exception {
        String q = encryptedQueue();
        byte[] iv = new byte[16];
        new java.security.SecureRandom().nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HexFormat.of().parseHex(KEY), "AES"), new GCMParameterSpec(128, iv));
        byte[] sealed = c.doFinal("{\"from\":\"reference\"}".getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        JsonObject envelope = new JsonObject()
                .put("encrypted", b64.encodeToString(java.util.Arrays.copyOf(sealed, sealed.length - 16)))
                .put("iv", b64.encodeToString(iv))
                .put("authTag", b64.encodeToString(java.util.Arrays.copyOfRange(sealed, sealed.length - 16, sealed.length)));
        // written as the reference's tooling does, straight into the table through the SQL contract
        own.sql.execute("SELECT queen.push_messages_v3(?::jsonb)", new JsonArray().add(new JsonObject()
                .put("queue", q).put("partition", "Default").put("payload", envelope)).encode());
        assertEquals(new JsonObject().put("from", "reference"), popOne(http, q).getJsonObject("data"));
    }

    @Test
    void anotherKeyOrNoKeyGivesAClearErrorPerMessage() throws Exception {
        String q = encryptedQueue();
        push(http, q, new JsonObject().put("secret", "s"));
        TestServer otherKey = TestServer.start(TestDirs.temp("queen-crypto-2"),
                TestServer.onDatabase(own.db.port(), "QUEEN_ENCRYPTION_KEY", "00".repeat(32)));
        try {
            JsonObject m = popOne(otherKey.http, q);
            assertNull(m.getValue("data"), m.encode());
            assertEquals("payload cannot be decrypted with this server's QUEEN_ENCRYPTION_KEY",
                    m.getString("decryptionError"), m.encode());
        } finally {
            otherKey.stop();
        }
        String q2 = encryptedQueue();
        push(http, q2, new JsonObject().put("secret", "s"));
        TestServer noKey = TestServer.start(TestDirs.temp("queen-crypto-3"), TestServer.onDatabase(own.db.port()));
        try {
            JsonObject m = popOne(noKey.http, q2);
            assertNull(m.getValue("data"), m.encode());
            assertEquals("payload is encrypted and this server has no QUEEN_ENCRYPTION_KEY", m.getString("decryptionError"));
        } finally {
            noKey.stop();
        }
    }
}
