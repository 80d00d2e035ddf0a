package io.queen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line in-process against a real server: output and exit codes. */
class CliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static QueenUnderTest queen;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        queen = new QueenUnderTest();
    }

    @AfterAll
    static void stop() {
        queen.close();
    }

    private Cli cli() {
        return new Cli(Map.of(), home);
    }

    /** Runs against the test server, expecting exit 0. */
    private Cli.Result ok(String... args) {
        return okWithInput("", args);
    }

    private Cli.Result okWithInput(String stdin, String... args) {
        Cli.Result result = cli().runWithInput(stdin, withServer(args));
        assertEquals(0, result.code(), result::toString);
        return result;
    }

    private static String[] withServer(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = queen.url;
        return all;
    }

    private static JsonNode json(Cli.Result result) throws IOException {
        return JSON.readTree(result.out());
    }

    @Test
    void pingAnswersAsJsonInAPipeAndAsATableWhenAsked() throws IOException {
        JsonNode ping = json(ok("ping"));
        assertEquals("healthy", ping.path("status").asText());
        String table = ok("ping", "-o", "table").out();
        assertTrue(table.startsWith("SERVER"), table);
        assertTrue(table.contains("healthy"), table);
    }

    @Test
    void pushesNdjsonWithPartitionKeysAndDescribesTheQueue() throws IOException {
        String lines = "{\"customer\":{\"id\":\"c1\"},\"n\":1}\n\n{\"customer\":{\"id\":\"c2\"},\"n\":2}\n"
                + "{\"customer\":{\"id\":\"c1\"},\"n\":3}\n";
        JsonNode summary = json(okWithInput(lines, "push", "cli-push", "-k", "customer.id", "--batch", "2"));
        assertEquals(3, summary.path("pushed").asInt(), summary::toString);
        assertEquals(0, summary.path("failed").asInt());

        JsonNode queues = json(ok("queue", "list"));
        assertTrue(queues.path("queues").findValuesAsText("name").contains("cli-push"), queues::toString);
        List<String> partitions = json(ok("partition", "list", "cli-push", "-o", "json"))
                .path("partitions").findValuesAsText("name");
        assertTrue(partitions.containsAll(List.of("c1", "c2")), partitions::toString);
        String names = ok("queue", "describe", "cli-push", "-o", "jsonpath=$.partitions[*].name").out();
        assertEquals(List.of("c1", "c2"), names.lines().sorted().toList());

        JsonNode popped = json(ok("pop", "cli-push", "-p", "c1", "--batch", "10", "--ack"));
        assertEquals(2, popped.size(), popped::toString);
        assertEquals(1, popped.get(0).path("data").path("n").asInt());
        assertEquals(3, popped.get(1).path("data").path("n").asInt());
        assertEquals(0, json(ok("pop", "cli-push", "-p", "c1", "--batch", "10")).size(), "acked, so gone");
    }

    @Test
    void popWithoutAckLeasesAndPopWithAckConsumes() throws IOException {
        okWithInput("{\"a\":1}\n", "push", "cli-pop");
        JsonNode leased = json(ok("pop", "cli-pop"));
        assertEquals(1, leased.size());
        assertFalse(leased.get(0).path("leaseId").asText().isEmpty());
        assertEquals(0, json(ok("pop", "cli-pop")).size(), "the partition is leased");
        // acked by its ids, as a script that kept them would: then the queue is empty
        JsonNode acked = json(ok("ack", leased.get(0).path("partitionId").asText(),
                leased.get(0).path("transactionId").asText(), "--lease", leased.get(0).path("leaseId").asText()));
        assertTrue(acked.get(0).path("success").asBoolean(), acked.toString());
        okWithInput("{\"a\":2}\n", "push", "cli-pop");
        assertEquals(2, json(ok("pop", "cli-pop")).get(0).path("data").path("a").asInt(), "the first one is done");
        // an ack for a message that is not leased any more is refused: exit 2
        Cli.Result again = cli().run(withServer("ack", leased.get(0).path("partitionId").asText(),
                leased.get(0).path("transactionId").asText(), "--lease", leased.get(0).path("leaseId").asText()));
        assertEquals(Exit.REFUSED, again.code(), again.toString());
    }

    @Test
    void deletesAQueueAndReportsUnknownOnesWithExitTwo() throws IOException {
        ok("queue", "configure", "cli-delete", "--set", "retryLimit=2", "--set", "deadLetterQueue=true");
        JsonNode deleted = json(ok("queue", "delete", "cli-delete"));
        assertTrue(deleted.path("existed").asBoolean(), deleted::toString);
        Cli.Result missing = cli().run(withServer("queue", "describe", "cli-delete"));
        assertEquals(Exit.REFUSED, missing.code(), missing::toString);
        assertTrue(missing.err().contains("404"), missing.err());
    }

    @Test
    void clearsAQueueInOneCallAndKeepsIt() throws IOException {
        okWithInput("{\"i\":1}\n{\"i\":2}\n{\"i\":3}\n", "push", "cli-clear", "-p", "a");
        JsonNode cleared = json(ok("queue", "clear", "cli-clear"));
        assertEquals(3, cleared.path("deleted").asInt(), cleared::toString);
        JsonNode described = json(ok("queue", "describe", "cli-clear"));
        assertEquals(0, described.path("totals").path("total").asInt(), described::toString);
        Cli.Result missing = cli().run(withServer("queue", "clear", "cli-clear-none"));
        assertEquals(Exit.REFUSED, missing.code(), missing::toString);
        assertTrue(missing.err().contains("404"), missing.err());
    }

    @Test
    void tailPipedIntoPushCopiesAQueue() throws IOException {
        for (int i = 0; i < 5; i++) {
            okWithInput("{\"i\":" + i + "}\n", "push", "cli-tail-src", "-p", "part-" + (i % 2));
        }
        Cli.Result tail = ok("tail", "cli-tail-src", "--limit", "5", "--batch", "2");
        assertEquals(5, tail.out().lines().count(), tail::toString);
        JsonNode summary = json(okWithInput(tail.out(), "push", "cli-tail-dst", "--payload-field", "data",
                "--partition-key", "partition", "--txid-field", "transactionId"));
        assertEquals(5, summary.path("pushed").asInt(), summary::toString);
        JsonNode copied = json(ok("pop", "cli-tail-dst", "--batch", "10", "--auto-ack", "-p", "part-0"));
        assertEquals(3, copied.size(), copied::toString);
        assertTrue(copied.get(0).path("data").has("i"));

        JsonNode again = json(okWithInput(tail.out(), "push", "cli-tail-dst", "--payload-field", "data",
                "--partition-key", "partition", "--txid-field", "transactionId"));
        assertEquals(5, again.path("duplicates").asInt(), "same transaction ids: stored once; " + again);
    }

    @Test
    void seekingAConsumerGroupBackReplaysItsMessages() throws IOException {
        okWithInput("{\"n\":1}\n{\"n\":2}\n", "push", "cli-seek");
        assertEquals(2, ok("tail", "cli-seek", "-g", "replayer").out().lines().count());
        assertEquals(0, ok("tail", "cli-seek", "-g", "replayer").out().lines().count());

        JsonNode seek = json(ok("cg", "seek", "replayer", "cli-seek", "--to", "2000-01-01T00:00:00Z"));
        assertTrue(seek.path("success").asBoolean(), seek::toString);
        assertEquals(2, ok("tail", "cli-seek", "-g", "replayer").out().lines().count(), "replayed");

        ok("seek", "replayer", "cli-seek", "--to-end");
        okWithInput("{\"n\":3}\n", "push", "cli-seek");
        String after = ok("tail", "cli-seek", "-g", "replayer").out();
        assertEquals(1, after.lines().count(), after);

        JsonNode groups = json(ok("cg", "list", "-q", "cli-seek"));
        assertEquals("replayer", groups.get(0).path("name").asText(), groups::toString);
        Cli.Result usage = cli().run(withServer("cg", "seek", "replayer", "cli-seek"));
        assertEquals(Exit.USAGE, usage.code(), usage::toString);
    }

    @Test
    void deadLettersAreListedAndRequeued() throws IOException {
        okWithInput("{\"bad\":true}\n", "push", "cli-dlq");
        JsonNode message = json(ok("messages", "list", "-q", "cli-dlq")).path("messages").get(0);
        String partitionId = message.path("partitionId").asText();
        String transactionId = message.path("transactionId").asText();
        ok("messages", "dlq", partitionId, transactionId, "--error", "boom");

        JsonNode letters = json(ok("dlq", "list", "-q", "cli-dlq")).path("messages");
        assertEquals(1, letters.size(), letters::toString);
        assertEquals("boom", letters.get(0).path("errorMessage").asText());
        String table = ok("dlq", "list", "-q", "cli-dlq", "-o", "table").out();
        assertTrue(table.contains("boom") && table.startsWith("QUEUE"), table);

        JsonNode requeued = json(ok("dlq", "requeue", "--all", "-q", "cli-dlq"));
        assertEquals(1, requeued.path("requeued").asInt(), requeued::toString);
        assertEquals(0, json(ok("dlq", "list", "-q", "cli-dlq")).path("messages").size());
        assertEquals(1, json(ok("pop", "cli-dlq", "--auto-ack")).size(), "back in its partition");
    }

    @Test
    void maintenanceGoesOnAndOff() throws IOException {
        try {
            JsonNode on = json(ok("maintenance", "on"));
            assertTrue(on.path("maintenanceMode").asBoolean(), on::toString);
            assertTrue(json(ok("maintenance", "get")).path("maintenanceMode").asBoolean());
            JsonNode pop = json(ok("maintenance", "on", "--pop"));
            assertTrue(pop.path("popMaintenanceMode").asBoolean(), pop::toString);
        } finally {
            JsonNode off = json(ok("maintenance", "off", "--all"));
            assertFalse(off.path("maintenanceMode").asBoolean(), off::toString);
            assertFalse(off.path("popMaintenanceMode").asBoolean(), off::toString);
        }
    }

    @Test
    void contextsChooseTheServerAndFlagsAndEnvironmentWin() throws IOException {
        Path config = home.resolve("queen.json");
        Cli plain = new Cli(Map.of(), home);
        assertEquals(0, plain.run("config", "set-context", "test", "--server", queen.url, "--config", config.toString()).code());
        assertEquals(0, plain.run("config", "set-context", "dead", "--server", "http://127.0.0.1:1",
                "--token", "t0k", "--config", config.toString()).code());
        Cli.Result current = plain.run("config", "current-context", "--config", config.toString());
        assertEquals("test\n", current.out(), "the first context becomes current");
        assertEquals(0, plain.run("ping", "--config", config.toString()).code());

        assertEquals(0, plain.run("config", "use-context", "dead", "--config", config.toString()).code());
        Cli.Result unreachable = plain.run("ping", "--config", config.toString());
        assertEquals(Exit.UNAVAILABLE, unreachable.code(), unreachable::toString);

        Map<String, String> env = new HashMap<>(Map.of("QUEEN_CONFIG", config.toString(), "QUEEN_SERVER", queen.url));
        Cli withEnv = new Cli(env, home);
        assertEquals(0, withEnv.run("ping").code(), "the environment wins over the context");
        assertEquals(Exit.UNAVAILABLE, withEnv.run("ping", "--server", "http://127.0.0.1:1").code(), "the flag wins");

        JsonNode contexts = JSON.readTree(withEnv.run("config", "get-contexts").out());
        assertEquals(2, contexts.size(), contexts::toString);
        assertEquals("*", contexts.get(1).path("current").asText());
        assertEquals("(set)", contexts.get(1).path("token").asText(), "tokens are not printed");
        JsonNode file = JSON.readTree(Files.readString(config));
        assertEquals("dead", file.path("current-context").asText());

        Cli.Result missing = plain.run("config", "use-context", "nope", "--config", config.toString());
        assertEquals(Exit.USAGE, missing.code(), missing::toString);
    }

    @Test
    void theDefaultConfigLivesInTheHomeFolder() {
        Cli plain = new Cli(Map.of(), home);
        assertEquals(0, plain.run("config", "set-context", "local", "--server", queen.url).code());
        assertTrue(Files.exists(home.resolve(".queen").resolve("config")));
        assertEquals(0, plain.run("ping").code());
    }

    @Test
    void usageErrorsExitOneAndUnreachableServersThree() {
        Cli.Result unknown = cli().run("no-such-command");
        assertEquals(Exit.USAGE, unknown.code(), unknown::toString);
        Cli.Result badFormat = cli().run("ping", "-o", "xml");
        assertEquals(Exit.USAGE, badFormat.code(), badFormat::toString);
        Cli.Result down = cli().run("queue", "list", "--server", "http://127.0.0.1:1");
        assertEquals(Exit.UNAVAILABLE, down.code(), down::toString);
        assertTrue(down.err().startsWith("queen: server unreachable"), down.err());
        assertEquals(0, cli().run("--help").code());
        assertTrue(cli().run("cg", "--help").out().contains("describe"));
    }

    @Test
    void completionScriptsAndYamlOutput() throws IOException {
        Cli.Result bash = cli().run("completion", "bash");
        assertEquals(0, bash.code(), bash::toString);
        assertTrue(bash.out().contains("complete -F"), "a bash completion script");
        String yaml = ok("ping", "-o", "yaml").out();
        assertTrue(yaml.contains("status: healthy"), yaml);
    }

    @Test
    void benchPushesAndPopsItsMessages() throws IOException {
        JsonNode bench = json(ok("bench", "-q", "cli-bench", "-n", "300", "--batch", "50", "--partitions", "3"));
        assertEquals(300, bench.path("messages").asInt());
        assertTrue(bench.path("pushPerSecond").asLong() > 0 && bench.path("popPerSecond").asLong() > 0, bench::toString);
    }
}
