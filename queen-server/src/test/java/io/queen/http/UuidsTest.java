package io.queen.http;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UuidsTest {
    @Test
    void theCanonicalFormInEitherCaseIsRead() {
        for (int i = 0; i < 200; i++) {
            UUID id = UUID.randomUUID();
            assertEquals(id, Uuids.parse(id.toString(), "id"));
            assertEquals(id, Uuids.parse(id.toString().toUpperCase(java.util.Locale.ROOT), "id"));
        }
        assertEquals(new UUID(-1, -1), Uuids.parse("ffffffff-ffff-ffff-ffff-ffffffffffff", "id"));
        assertNull(Uuids.optional("", "id"));
        assertNull(Uuids.optional(null, "id"));
    }

    @Test
    void anythingElseIsTheClientsError() {
        String[] bad = {null, "", "0190c6f2-8d3a-7b4e-9f00-0123456789a", "0190c6f2-8d3a-7b4e-9f00-0123456789abc",
                "0190c6f28d3a-7b4e-9f00-0123456789abc", "0190c6f2-8d3a-7b4e-9f00+0123456789ab",
                "0190c6g2-8d3a-7b4e-9f00-0123456789ab", "0190c6f2-8d3a-7b4e-9f00-0123456789aＢ",
                "0190c6f2-8d3a-7b4e-9f00-01234567٨9ab", "1-1-1-1-1", " 190c6f2-8d3a-7b4e-9f00-0123456789ab"};
        for (String text : bad) {
            ApiError e = assertThrows(ApiError.class, () -> Uuids.parse(text, "leaseId"), String.valueOf(text));
            assertEquals(400, e.status);
            assertEquals("leaseId must be a valid UUID, got '" + text + "'", e.getMessage());
        }
    }
}
