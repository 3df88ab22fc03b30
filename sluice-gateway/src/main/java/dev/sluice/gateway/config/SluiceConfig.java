package dev.sluice.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The whole gateway configuration: one immutable tree, built and validated by {@link ConfigLoader}.
 * Every key, its default and its meaning is listed in {@link ConfigLoader#keys()} and in
 * {@code docs/configuration.md}.
 */
public record SluiceConfig(Server server, Admission admission, Upstream upstream, Timeouts timeouts,
                           Stream stream, Shutdown shutdown, Demo demo, Auth auth, Log log) {

    /** Listener: address, port and request size limits (bytes). */
    public record Server(String host, int port, long maxBodySize, int maxHeaderSize) {}

    /** Admission control: requests beyond {@code maxInFlight} concurrent ones are shed. */
    public record Admission(int maxInFlight) {}

    /** The Anthropic-compatible upstream and its connection pool bounds. */
    public record Upstream(URI url, Secret apiKey, int maxConnections, int maxQueuedRequests) {}

    /** Upstream timeouts: connect, response headers, silence between stream events, whole exchange. */
    public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {}

    /** Streaming to clients: a {@code : ping} comment after this much silence. */
    public record Stream(Duration heartbeatInterval) {}

    /** Graceful shutdown: pre-drain delay, drain deadline, deadline per close step. */
    public record Shutdown(Duration preDrain, Duration drainTimeout, Duration stepTimeout) {}

    /** Demo mode, resolved: {@code enabled} means the built-in fake provider is the upstream. */
    public record Demo(boolean enabled, int deltas, Duration deltaInterval) {}

    /** Client API keys accepted; empty means any key is accepted (loopback listeners only). */
    public record Auth(List<Secret> apiKeys) {
        public Auth {
            apiKeys = List.copyOf(apiKeys);
        }
    }

    /** Logging: one line per request when {@code requests}. */
    public record Log(boolean requests) {}
}
