package io.queen.cli.out;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSONPath refusals, YAML quoting and the progress line. */
class PiecesTest {
    @Test
    void jsonPathRefusesWhatItDoesNotKnow() {
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("$.a[?(@.b)]"));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.parse("$.a[1"));
        assertThrows(IllegalArgumentException.class, () -> Format.parse("xml"));
        assertEquals(Format.Kind.JSONPATH, Format.parse("jsonpath=$.a").kind());
    }

    @Test
    void jsonPathReadsQuotedNamesAndMissingBranches() throws Exception {
        var tree = new ObjectMapper().readTree("{\"a.b\":{\"c\":[1,2]},\"d\":null}");
        assertEquals("[1,2]", JsonText.compact(JsonPath.parse("$['a.b'].c").first(tree)));
        assertTrue(JsonPath.parse("$.x.y[*]").select(tree).isEmpty());
    }

    @Test
    void yamlQuotesWhatWouldReadBackAsSomethingElse() {
        for (String text : new String[] {"true", "No", "null", "12", "-1", "1e3", "", " x", "a: b", "#c", "- x", "[x]", "2024-01-01"}) {
            assertTrue(Yaml.string(text).startsWith("\""), text);
        }
        for (String text : new String[] {"orders", "a-b_c.d", "queue/partition", "hello world"}) {
            assertEquals(text, Yaml.string(text));
        }
    }

    @Test
    void progressShowsRateAndEtaAndStaysQuietWhenOff() {
        AtomicLong now = new AtomicLong();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Progress progress = new Progress("push", 1000, new PrintStream(err, true), true, now::get);
        now.set(2_000_000_000L);
        progress.advance(250);
        assertEquals("push [#######-----------------------] 25% 250/1000 125/s ETA 0:06", progress.line(now.get()));
        assertTrue(err.toString().contains("25% 250/1000"));
        assertEquals("1:01:01", Progress.clockTime(3661));

        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        try (Progress off = new Progress("x", -1, new PrintStream(quiet, true), false)) {
            off.advance(5);
        }
        assertEquals("", quiet.toString());
    }
}
