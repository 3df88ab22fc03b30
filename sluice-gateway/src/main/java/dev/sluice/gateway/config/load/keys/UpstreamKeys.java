package dev.sluice.gateway.config.load.keys;

import static dev.sluice.gateway.config.load.keys.KeyRow.row;
import static dev.sluice.gateway.config.load.value.ValueType.BOOLEAN;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION;
import static dev.sluice.gateway.config.load.value.ValueType.FRACTION;
import static dev.sluice.gateway.config.load.value.ValueType.NON_NEGATIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.POSITIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.PROVIDER_KIND;
import static dev.sluice.gateway.config.load.value.ValueType.SECRET;
import static dev.sluice.gateway.config.load.value.ValueType.TEXT;
import static dev.sluice.gateway.config.load.value.ValueType.URL;

import dev.sluice.gateway.config.ProviderKind;
import java.util.List;

/**
 * The keys of the default provider, of routing (retries, breakers, probes), of upstream timeouts and of
 * streaming: a section of the registry's table, in the order of docs/configuration.md.
 */
public final class UpstreamKeys {
    // spotless:off -- a table: one key per row reads better than the formatter's one argument per line
    public static final List<KeyRow> ROWS = List.of(
            row("upstream.kind", PROVIDER_KIND, "anthropic",
                    "kind of the default provider (named `default`): " + ProviderKind.ids(),
                    c -> c.upstream().kind()),
            row("upstream.url", URL, "https://api.anthropic.com", "base URL of the default provider",
                    c -> c.upstream().url()),
            row("upstream.api-key", SECRET, "",
                    "key of the default provider; ANTHROPIC_API_KEY also sets it", c -> c.upstream().apiKey()),
            row("upstream.max-connections", POSITIVE_INT, "64", "connection pool bound per upstream",
                    c -> c.upstream().maxConnections()),
            row("upstream.max-queued-requests", POSITIVE_INT, "1024", "requests waiting for a pooled connection",
                    c -> c.upstream().maxQueuedRequests()),
            row("routing.default-provider", TEXT, "",
                    "provider for models without a route, model name unchanged; empty: `default` if configured,"
                            + " else the only provider, else such models are refused",
                    c -> c.routing().defaultProvider()),
            row("routing.max-attempts", POSITIVE_INT, "3", "attempts per request, retries and fallbacks included",
                    c -> c.routing().maxAttempts()),
            row("routing.retry-ratio", FRACTION, "0.1",
                    "retries and fallbacks allowed as a share of requests over the last 10 s",
                    c -> c.routing().retryRatio()),
            row("routing.retry-floor", NON_NEGATIVE_INT, "3", "retries per second allowed whatever the ratio",
                    c -> c.routing().retryFloorPerSecond()),
            row("routing.max-retry-after", DURATION, "5s",
                    "longest upstream Retry-After waited for before retrying the same target; longer: next target",
                    c -> c.routing().maxRetryAfter()),
            row("routing.same-target-retries.server-error", NON_NEGATIVE_INT, "1",
                    "retries on the same target after a 500, 502, 504 or other 5xx (not 503), before the next target",
                    c -> c.routing().sameTargetRetries().serverError()),
            row("routing.same-target-retries.connection", NON_NEGATIVE_INT, "1",
                    "retries on the same target after a failed connect or a connection broken before any answer"
                            + " byte (the free retry of a stale pooled connection counts as one)",
                    c -> c.routing().sameTargetRetries().connection()),
            row("routing.same-target-retries.overloaded", NON_NEGATIVE_INT, "0",
                    "retries on the same target after a 503 or 529 without a Retry-After (a short Retry-After is"
                            + " waited out on the same target whatever this says)",
                    c -> c.routing().sameTargetRetries().overloaded()),
            row("routing.same-target-retries.timeout", NON_NEGATIVE_INT, "0",
                    "retries on the same target after no answer within timeouts.first-byte",
                    c -> c.routing().sameTargetRetries().timeout()),
            row("routing.key-cooldown", DURATION, "30s", "a provider key answered 429 without Retry-After rests this long",
                    c -> c.routing().keyCooldown()),
            row("routing.breaker.failure-rate", FRACTION, "0.5", "failure share that opens a target's breaker",
                    c -> c.routing().breaker().failureRate()),
            row("routing.breaker.window", POSITIVE_INT, "20", "calls in the breaker's sliding window",
                    c -> c.routing().breaker().window()),
            row("routing.breaker.min-calls", POSITIVE_INT, "10", "calls before the failure share counts",
                    c -> c.routing().breaker().minCalls()),
            row("routing.breaker.open-for", DURATION, "30s", "an open breaker refuses calls this long (probes may end it sooner)",
                    c -> c.routing().breaker().openFor()),
            row("routing.breaker.half-open-calls", POSITIVE_INT, "2", "trial calls let through a half-open breaker",
                    c -> c.routing().breaker().halfOpenCalls()),
            row("routing.probe-min", DURATION, "1s", "first health probe delay for a target whose breaker opened",
                    c -> c.routing().probeMin()),
            row("routing.probe-max", DURATION, "60s", "cap of the probes' exponential backoff",
                    c -> c.routing().probeMax()),
            row("timeouts.connect", DURATION, "10s", "upstream TCP/TLS connect", c -> c.timeouts().connect()),
            row("timeouts.first-byte", DURATION, "60s", "wait for upstream response headers",
                    c -> c.timeouts().firstByte()),
            row("timeouts.first-token", DURATION, "60s",
                    "a streamed answer with no content this long after its headers is abandoned; before anything"
                            + " reached the client the next target answers instead",
                    c -> c.timeouts().firstToken()),
            row("timeouts.idle", DURATION, "60s", "max silence between upstream stream events",
                    c -> c.timeouts().idle()),
            row("timeouts.total", DURATION, "10m", "whole upstream exchange", c -> c.timeouts().total()),
            row("stream.heartbeat-interval", DURATION, "500ms",
                    "a `: ping` comment goes to a streaming client after this much silence (detects disconnects)",
                    c -> c.stream().heartbeatInterval()),
            row("stream.continuation", BOOLEAN, "true",
                    "a stream that breaks after text reached the client is continued on the next target that"
                            + " can take the delivered text as a prefill (providers.<name>.continuation)",
                    c -> c.stream().continuation()),
            row("stream.skip-malformed-events", BOOLEAN, "false",
                    "skip an upstream event that cannot be parsed (counted and logged) instead of ending the"
                            + " stream with an error",
                    c -> c.stream().skipMalformedEvents()));
    // spotless:on

    private UpstreamKeys() {}
}
