package io.queen.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference's knobs for machinery this server lacks: named with a reason, never refused. */
class ReferenceOnlySettingsTest {

    private static List<String> noEffect(String... names) {
        Map<String, String> env = new HashMap<>();
        for (String name : names) {
            env.put(name, "1");
        }
        return ReferenceOnlySettings.setIn(new Env(env));
    }

    @Test
    void eachFamilyIsNamedWithItsReason() {
        String[][] cases = {
                {"SIDECAR_MICRO_BATCH_WAIT_MS", "request batching engine"},
                {"QUEEN_VEGAS_ALPHA", "request batching engine"},
                {"QUEEN_POP_MAX_HOLD_MS", "request batching engine"},
                {"QUEEN_PUSH_PREFERRED_BATCH_SIZE", "request batching engine"},
                {"QUEEN_CUSTOM_MAX_CONCURRENT", "request batching engine"},
                {"POP_WAIT_BACKOFF_MULTIPLIER", "POP_WAIT_MAX_INTERVAL_MS"},
                {"QUEEN_UDP_PEERS", "LISTEN/NOTIFY"},
                {"QUEEN_SYNC_SECRET", "LISTEN/NOTIFY"},
                {"PARTITION_LOOKUP_RECONCILE_INTERVAL_MS", "nothing to reconcile"},
                {"WEBAPP_ROOT", "dashboard"},
        };
        for (String[] c : cases) {
            List<String> found = noEffect(c[0]);
            assertEquals(1, found.size(), c[0]);
            assertTrue(found.get(0).startsWith(c[0] + " ("), found.get(0));
            assertTrue(found.get(0).contains(c[1]), found.get(0));
        }
    }

    @Test
    void theTwoFusionKnobsThatDoWorkHereAreNotListed() {
        assertEquals(List.of(), noEffect("QUEEN_PUSH_MAX_BATCH_SIZE", "QUEEN_PUSH_MAX_CONCURRENT", "PORT"));
    }

    @Test
    void severalAreListedInATableOrderAndBlankOnesNotAtAll() {
        List<String> found = noEffect("WEBAPP_ROOT", "QUEEN_UDP_PEERS", "SIDECAR_MAX_BATCH_SIZE");
        assertEquals(3, found.size());
        assertTrue(found.get(0).startsWith("SIDECAR_MAX_BATCH_SIZE ("), found.toString());
        assertTrue(found.get(1).startsWith("QUEEN_UDP_PEERS ("), found.toString());
        assertTrue(found.get(2).startsWith("WEBAPP_ROOT ("), found.toString());
        assertEquals(List.of(), ReferenceOnlySettings.setIn(new Env(Map.of("WEBAPP_ROOT", " "))));
    }

    @Test
    void theyReachTheConfigurationWithoutStoppingIt() {
        QueenConfig c = QueenConfig.from(Map.of("QUEEN_VEGAS_BETA", "oops", "QUEEN_ACK_MAX_HOLD_MS", "-1"));
        assertEquals(2, c.noEffectSettings.size(), c.noEffectSettings.toString());
    }
}
