package dev.sluice.gateway.context;

import dev.sluice.core.Lifecycle;
import dev.sluice.gateway.auth.Authenticator;
import dev.sluice.gateway.auth.FailureLimiter;
import dev.sluice.gateway.cache.ResponseCache;
import dev.sluice.gateway.limits.Limits;
import dev.sluice.gateway.logging.AccessLogWriter;
import dev.sluice.gateway.metrics.GatewayMetrics;
import dev.sluice.gateway.responses.ResponseStore;
import dev.sluice.gateway.session.SessionStore;
import dev.sluice.gateway.store.JobRuns;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.usage.PriceTable;
import dev.sluice.gateway.usage.UsageQueries;
import dev.sluice.gateway.usage.UsageRecorder;
import java.util.Optional;

/**
 * The persistent and shared state the request path uses: the store, stored keys, per-key limits,
 * usage records (absent when usage.enabled is false), prices, the response cache
 * ({@link ResponseCache#disabled()} unless cache.enabled), the session store ({@link SessionStore#disabled()}
 * unless sessions.enabled) and the record of background job runs. {@code adminFailures} counts wrong admin keys per
 * address apart from the client-key failures {@code auth} counts, so a brute force on the admin key never
 * blocks client routes. {@code accessLog} writes the per-request lines off the request thread.
 */
public record GatewayState(
        Store store,
        Authenticator auth,
        FailureLimiter adminFailures,
        Limits limits,
        Optional<UsageRecorder> usage,
        UsageQueries usageQueries,
        PriceTable prices,
        ResponseCache cache,
        JobRuns jobRuns,
        SessionStore sessions,
        ResponseStore responses,
        GatewayMetrics metrics,
        AccessLogWriter accessLog,
        Lifecycle lifecycle) {}
