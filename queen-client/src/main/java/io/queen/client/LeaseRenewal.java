package io.queen.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * The answer to a lease renewal.
 *
 * @param leaseId   the lease
 * @param success   whether it was extended
 * @param error     why not ({@code Lease not found}, {@code Lease already expired}, ...), or null
 * @param expiresAt the new expiry, or null
 */
public record LeaseRenewal(String leaseId, boolean success, String error, Instant expiresAt) {
    static LeaseRenewal from(JsonNode n) {
        String at = PushResult.text(n, "expiresAt");
        return new LeaseRenewal(PushResult.text(n, "leaseId"), n.path("success").asBoolean(false),
                PushResult.text(n, "error"), at == null ? null : Instant.parse(at));
    }
}
