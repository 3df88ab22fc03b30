package dev.sluice.gateway.server;

import dev.sluice.core.Limiter;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.provider.UpstreamClient;
import java.util.Optional;

/** What every handler shares: config, accounting, drain state and the upstream. */
record GatewayContext(SluiceConfig config, ScopeRegistry scopes, Limiter limiter, MemoryMonitor memory, Drain drain,
                      UpstreamClient upstream, Optional<String> upstreamKey, AccessLog accessLog,
                      long startedAtMillis) {
}
