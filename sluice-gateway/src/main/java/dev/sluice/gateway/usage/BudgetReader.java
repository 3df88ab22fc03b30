package dev.sluice.gateway.usage;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Tokens a key used since an instant, read from the usage records and cached briefly (bounded), so a
 * budget check costs one query per key every few seconds. A database error reads as 0 used: a budget
 * does not take the gateway down with the database (documented).
 */
public final class BudgetReader {

    private record Key(String keyId, long since) {}

    private final UsageQueries queries;
    private final Cache<Key, Long> cache;

    /** @param ticker the freshness clock ({@link Ticker#systemTicker()} in production) */
    public BudgetReader(UsageQueries queries, Duration freshness, int maxKeys, Ticker ticker) {
        this.queries = queries;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(freshness)
                .ticker(ticker)
                .build();
    }

    public long tokensUsedSince(String keyId, long sinceMillis) {
        return cache.get(new Key(keyId, sinceMillis), k -> {
            try {
                UsageQueries.Totals t = queries.report(k.keyId(), null, k.since(), Long.MAX_VALUE)
                        .totals();
                return t.inputTokens() + t.outputTokens();
            } catch (SQLException e) {
                return 0L;
            }
        });
    }
}
