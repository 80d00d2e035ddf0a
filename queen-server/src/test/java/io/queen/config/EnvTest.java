package io.queen.config;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How one variable is read: blank means unset, values are trimmed, and a bad one names itself. */
class EnvTest {

    private static Env env(String... pairs) {
        return new Env(Pairs.env(pairs));
    }

    private static String refusal(org.junit.jupiter.api.function.Executable read) {
        return assertThrows(ConfigException.class, read).getMessage();
    }

    @Test
    void blankIsTheSameAsUnset() {
        Env env = env("EMPTY", "", "SPACES", " \t ", "SET", "x");
        assertFalse(env.has("MISSING"));
        assertFalse(env.has("EMPTY"));
        assertFalse(env.has("SPACES"));
        assertTrue(env.has("SET"));
        assertEquals("fallback", env.string("SPACES", "fallback"));
        assertEquals(7, env.integer("EMPTY", 7, 0, 10));
        assertTrue(env.bool("SPACES", true));
        assertNull(env.string("MISSING", null));
    }

    @Test
    void stringsAreTrimmed() {
        assertEquals("a b", env("S", "  a b \n").string("S", "fallback"));
    }

    @Test
    void integersAreParsedTrimmedAndBoundedInclusively() {
        Env env = env("LOW", "1", "HIGH", " 10 ", "NEGATIVE", "-5", "HUGE", "9000000000");
        assertEquals(1, env.integer("LOW", 0, 1, 10));
        assertEquals(10, env.integer("HIGH", 0, 1, 10));
        assertEquals(-5, env.integer("NEGATIVE", 0, -5, 5));
        assertEquals(9_000_000_000L, env.longValue("HUGE", 0, 0, Long.MAX_VALUE));
        // the fallback is not checked against the bounds: it is the code's own value
        assertEquals(99, env.integer("MISSING", 99, 1, 10));
    }

    @Test
    void aBadIntegerNamesTheVariableAndTheValue() {
        assertEquals("N must be an integer, got 'lots'", refusal(() -> env("N", "lots").integer("N", 0, 0, 10)));
        assertEquals("N must be an integer, got '1.5'", refusal(() -> env("N", "1.5").integer("N", 0, 0, 10)));
        assertEquals("N must be an integer, got '0x10'", refusal(() -> env("N", "0x10").integer("N", 0, 0, 100)));
        assertEquals("N must be an integer, got '99999999999999999999'",
                refusal(() -> env("N", "99999999999999999999").longValue("N", 0, 0, Long.MAX_VALUE)));
        assertEquals("N must be between 1 and 10, got 0", refusal(() -> env("N", "0").integer("N", 5, 1, 10)));
        assertEquals("N must be between 1 and 10, got 11", refusal(() -> env("N", " 11 ").integer("N", 5, 1, 10)));
        // a value past int is refused by the bounds, never wrapped around
        assertEquals("N must be between 1 and 2147483647, got 4294967297",
                refusal(() -> env("N", "4294967297").integer("N", 5, 1, Integer.MAX_VALUE)));
    }

    @Test
    void booleansAcceptTheUsualSpellings() {
        for (String yes : new String[]{"true", "TRUE", " True ", "1", "yes", "YES"}) {
            assertTrue(env("B", yes).bool("B", false), yes);
        }
        for (String no : new String[]{"false", "False", "0", "no", " NO "}) {
            assertFalse(env("B", no).bool("B", true), no);
        }
        assertEquals("B must be true or false, got 'maybe'", refusal(() -> env("B", "Maybe").bool("B", false)));
        assertEquals("B must be true or false, got 'on'", refusal(() -> env("B", "on").bool("B", false)));
    }
}
