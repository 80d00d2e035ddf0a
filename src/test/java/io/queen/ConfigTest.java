package io.queen;

import io.queen.config.ConfigException;
import io.queen.config.QueenConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    @Test
    void invalidValuesNameTheVariable() {
        for (String name : new String[]{"PORT", "QUEEN_THREADS", "DB_POOL_SIZE_PER_THREAD", "DB_POOL_SIZE",
                "SIDECAR_POOL_SIZE", "DEFAULT_TIMEOUT"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of(name, "lots")));
            assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
        }
        ConfigException range = assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("PORT", "70000")));
        assertTrue(range.getMessage().contains("PORT"));
        assertThrows(ConfigException.class, () -> QueenConfig.from(Map.of("QUEEN_THREADS", "0")));
    }

    @Test
    void poolSizesFollowTheReferenceSettingsWithoutExceedingThem() {
        QueenConfig defaults = QueenConfig.from(Map.of("QUEEN_THREADS", "4"));
        assertArrayEquals(new int[]{5, 5, 5, 5}, defaults.hotPoolSizes);
        assertTrue(defaults.embeddedDatabase());

        QueenConfig reference = QueenConfig.from(Map.of("NUM_WORKERS", "3", "SIDECAR_POOL_SIZE", "10",
                "DB_POOL_SIZE", "20", "PG_HOST", "db.example"));
        assertEquals(3, reference.workers);
        assertArrayEquals(new int[]{4, 3, 3}, reference.hotPoolSizes);
        assertEquals(10, reference.totalHotConnections());
        // the reference opens 95 % of DB_POOL_SIZE: 19, the LISTEN and file-buffer connections included
        assertEquals(19, reference.totalBackgroundConnections());
        assertEquals(17, java.util.Arrays.stream(reference.backgroundPoolSizes).sum());
        assertEquals("db.example", reference.pgHost);

        QueenConfig tiny = QueenConfig.from(Map.of("QUEEN_THREADS", "4", "DB_POOL_SIZE", "3"));
        assertEquals(2, tiny.totalBackgroundConnections());
    }
}
