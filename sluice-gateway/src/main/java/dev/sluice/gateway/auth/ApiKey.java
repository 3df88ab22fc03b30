package dev.sluice.gateway.auth;

import org.jspecify.annotations.Nullable;

/** A stored key as listed: never its hash or plaintext, only the first characters for recognition. */
public record ApiKey(
        String id,
        String name,
        String tenant,
        String prefix,
        long createdAt,
        @Nullable Long revokedAt,
        KeyPolicy policy) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
