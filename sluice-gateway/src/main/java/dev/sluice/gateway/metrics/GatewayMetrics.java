package dev.sluice.gateway.metrics;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.translate.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Sluice's metrics in one Prometheus registry, with bounded tag sets: a model outside the configured
 * routes is {@code other}, a provider outside the configured ones {@code other}, statuses are grouped
 * by class. Latency and time to first byte are histograms (buckets, no client-side quantiles);
 * the dashboard's live p50/p99 come from a small ring of recent samples instead.
 */
public final class GatewayMetrics implements AutoCloseable, CompletionListener {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Set<String> models;
    private final Set<String> providers;
    private final RecentLatencies latencies = new RecentLatencies(4096);
    private final RecentLatencies ttfts = new RecentLatencies(4096);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    /*
     * The meters of each tag combination, found again by a record key instead of a Micrometer builder and
     * registry lookup per request (which built, sorted and hashed the tags every time). Bounded as the tags are.
     */
    private final Map<DurationKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<TtfbKey, Timer> ttfbs = new ConcurrentHashMap<>();
    private final Map<TokenKey, Counter> tokenCounters = new ConcurrentHashMap<>();

    private record DurationKey(String dialect, String model, String provider, int statusClass, Outcome outcome) {}

    private record TtfbKey(String dialect, String model, String provider) {}

    private record TokenKey(String model, String provider, String kind) {}

    public GatewayMetrics(Set<String> models, Set<String> providers) {
        this.models = Set.copyOf(models);
        this.providers = Set.copyOf(providers);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** One finished client request; only generation requests (messages, chat completions) are counted. */
    @Override
    public void completed(Completion c) {
        if (!c.metered()) {
            return;
        }
        String dialect = c.dialect();
        String model = c.model();
        String provider = c.provider();
        int status = c.status();
        long durationNanos = c.durationNanos();
        long ttftNanos = c.firstByteAfterNanos();
        String m = models.contains(model) ? model : "other";
        String p = c.cacheHit()
                ? "cache"
                : providers.contains(provider) ? provider : provider.isEmpty() ? "none" : "other";
        durations
                .computeIfAbsent(new DurationKey(dialect, m, p, status / 100, c.outcome()), this::durationTimer)
                .record(durationNanos, TimeUnit.NANOSECONDS);
        if (ttftNanos > 0) {
            ttfbs.computeIfAbsent(new TtfbKey(dialect, m, p), this::ttfbTimer).record(ttftNanos, TimeUnit.NANOSECONDS);
            ttfts.add(ttftNanos / 1000);
        }
        if (c.continuedAt() >= 0) {
            registry.counter(
                            "sluice.stream.continuations",
                            "provider",
                            p,
                            "outcome",
                            c.outcome().name().toLowerCase(Locale.ROOT))
                    .increment();
        }
        if (c.skippedEvents() > 0) {
            registry.counter("sluice.upstream.events.skipped", "provider", p).increment(c.skippedEvents());
        }
        Usage u = c.usage();
        tokens(m, p, "input", u.inputTokens());
        tokens(m, p, "output", u.outputTokens());
        tokens(m, p, "cache_read", u.cacheReadTokens());
        tokens(m, p, "cache_write", u.cacheWriteTokens());
        latencies.add(durationNanos / 1000);
        total.incrementAndGet();
        if (status >= 400 || c.outcome() != Outcome.SUCCESS) {
            errors.incrementAndGet();
        }
    }

    private void tokens(String model, String provider, String kind, long n) {
        if (n > 0) {
            tokenCounters
                    .computeIfAbsent(
                            new TokenKey(model, provider, kind),
                            k -> Counter.builder("sluice.tokens")
                                    .description("tokens reported by upstreams")
                                    .tags("model", k.model(), "provider", k.provider(), "kind", k.kind())
                                    .register(registry))
                    .increment((double) n); // token counts stay far below 2^53
        }
    }

    private Timer durationTimer(DurationKey k) {
        return Timer.builder("sluice.request.duration")
                .description("client requests, from accept to the last byte")
                .tags(
                        "dialect",
                        k.dialect(),
                        "model",
                        k.model(),
                        "provider",
                        k.provider(),
                        "status",
                        k.statusClass() + "xx",
                        "outcome",
                        k.outcome().name().toLowerCase(Locale.ROOT))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    private Timer ttfbTimer(TtfbKey k) {
        return Timer.builder("sluice.request.ttfb")
                .description("time to the first byte of the answer sent to the client")
                .tags("dialect", k.dialect(), "model", k.model(), "provider", k.provider())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    /** A gauge read from {@code source} on each scrape (the source is held strongly). */
    public <T> void gauge(String name, String description, Tags tags, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value)
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** A counter whose value is read from {@code source} on each scrape. */
    public <T> void counter(String name, String description, Tags tags, T source, ToDoubleFunction<T> value) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, source, value)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value)
                .description(description)
                .strongReference(true)
                .register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public long requests() {
        return total.get();
    }

    public long errors() {
        return errors.get();
    }

    public double latencyMillis(double q) {
        return latencies.quantileMillis(q);
    }

    public double ttftMillis(double q) {
        return ttfts.quantileMillis(q);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
