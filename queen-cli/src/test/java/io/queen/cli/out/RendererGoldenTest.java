package io.queen.cli.out;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Each output format of one answer against its expected text under {@code golden/}. After a
 * deliberate change, {@code -Dgolden.update=true} rewrites the files in src/test/resources
 * (then read the diff).
 */
class RendererGoldenTest {
    private static final View QUEUES = View.of("queues", Column.of("name", "name"),
            Column.of("namespace", "namespace"), Column.of("task", "task"), Column.of("partitions", "partitions"),
            Column.of("pending", "messages.pending"), Column.wide("tags", "tags"), Column.wide("id", "id"));

    @ParameterizedTest
    @CsvSource({
        "table, queues.table.txt",
        "wide, queues.wide.txt",
        "json, queues.json.txt",
        "ndjson, queues.ndjson.txt",
        "yaml, queues.yaml.txt",
        "'jsonpath=$.queues[*].name', queues.jsonpath-names.txt",
        "'jsonpath={.queues[1].flags}', queues.jsonpath-object.txt",
        "'jsonpath=$.queues[-1].messages.total', queues.jsonpath-last.txt",
        "'jsonpath=$.queues[*].tags[*]', queues.jsonpath-tags.txt",
    })
    void rendersLikeTheGoldenFile(String format, String golden) throws IOException {
        String actual = Renderer.render(answer(), QUEUES, Format.parse(format));
        assertGolden(golden, actual);
    }

    @ParameterizedTest
    @CsvSource({"table, queues.auto-table.txt", "wide, queues.auto-wide.txt"})
    void withoutColumnsShowsTheMembers(String format, String golden) throws IOException {
        String actual = Renderer.render(answer(), View.of("queues"), Format.parse(format));
        assertGolden(golden, actual);
    }

    static JsonNode answer() throws IOException {
        try (InputStream in = RendererGoldenTest.class.getResourceAsStream("/golden/queues.json")) {
            assertNotNull(in);
            return new ObjectMapper().readTree(in);
        }
    }

    static void assertGolden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", name), actual, StandardCharsets.UTF_8);
        }
        try (InputStream in = RendererGoldenTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing golden file " + name);
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, name);
        }
    }
}
