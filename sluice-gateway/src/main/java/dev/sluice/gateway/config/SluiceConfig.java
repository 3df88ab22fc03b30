package dev.sluice.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The whole gateway configuration: one immutable tree, built and validated by {@link ConfigLoader}.
 * Every key, its default and its meaning is listed in {@link ConfigLoader#keys()} and in
 * {@code docs/configuration.md}.
 */
public record SluiceConfig(Server server, Admission admission, Memory memory, Upstream upstream, Timeouts timeouts,
                           Stream stream, Shutdown shutdown, Demo demo, Auth auth, Log log) {

    /** How the admission limit is set: fixed, or adapted by a Netflix concurrency-limits algorithm. */
    public enum LimitAlgorithm { FIXED, GRADIENT2, VEGAS }

    /** Listener: address, port and request size limits (bytes). */
    public record Server(String host, int port, long maxBodySize, int maxHeaderSize) {}

    /**
     * Admission control: at most {@code maxInFlight} concurrent requests (the adaptive algorithms move
     * the limit between {@code minInFlight} and {@code maxInFlight}); up to {@code queueSize} more
     * wait at most {@code queueTimeout}; batch requests may not use the last {@code interactiveReserve}
     * of the limit.
     */
    public record Admission(int maxInFlight, LimitAlgorithm algorithm, int minInFlight, int queueSize,
                            Duration queueTimeout, double interactiveReserve) {}

    /**
     * Memory pressure from the old generation's usage after the last GC: shed above {@code shedAbove},
     * admit again below {@code admitBelow}; heap dumps on CRITICAL only when {@code heapDumpDir} is set.
     */
    public record Memory(double shedAbove, double admitBelow, double warnAbove, Duration refreshInterval,
                         String heapDumpDir, Duration healthLogInterval) {}

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
