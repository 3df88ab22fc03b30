package dev.sluice.gateway.usage;

import org.jspecify.annotations.Nullable;

/**
 * What one request used. Tokens are the upstream's own figures (0 when it reported none); times in
 * milliseconds; {@code ttftMs} is the time to the first byte sent to the client (-1: none was sent).
 */
public record UsageRecord(
        String id,
        long timestamp,
        @Nullable String keyId,
        @Nullable String tenant,
        String model,
        String provider,
        String upstreamModel,
        String dialect,
        boolean stream,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long latencyMs,
        long ttftMs,
        int status,
        String outcome,
        long costMicros) {}
