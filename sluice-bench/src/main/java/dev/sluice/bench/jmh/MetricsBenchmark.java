package dev.sluice.bench.jmh;

import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request metrics' cost per finished request: {@code builderPerRequest} is how {@link GatewayMetrics} recorded
 * before issue 20 (a Micrometer builder and registry lookup per meter per request: tags built, sorted and hashed
 * each time); {@code gatewayMetrics} is the class now (meters found again by a record key).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {

    GatewayMetrics metrics;
    PrometheusMeterRegistry registry;
    Completion completion;

    @Setup
    public void setup() {
        metrics = new GatewayMetrics(Set.of("claude-sonnet-4-5"), Set.of("anthropic"));
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        completion = SampleCompletion.streamedAnswer();
    }

    @TearDown
    public void tearDown() {
        metrics.close();
        registry.close();
    }

    @Benchmark
    public void gatewayMetrics() {
        metrics.completed(completion);
    }

    @Benchmark
    public void builderPerRequest() {
        Completion c = completion;
        String m = c.model();
        String p = c.provider();
        Tags tags = Tags.of(
                "dialect",
                c.dialect(),
                "model",
                m,
                "provider",
                p,
                "status",
                c.status() / 100 + "xx",
                "outcome",
                c.outcome().name().toLowerCase(java.util.Locale.ROOT));
        Timer.builder("sluice.request.duration")
                .tags(tags)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)
                .record(Duration.ofNanos(c.durationNanos()));
        Timer.builder("sluice.request.ttfb")
                .tags("dialect", c.dialect(), "model", m, "provider", p)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)
                .record(Duration.ofNanos(c.firstByteAfterNanos()));
        for (String kind : new String[] {"input", "output"}) {
            Counter.builder("sluice.tokens")
                    .tags("model", m, "provider", p, "kind", kind)
                    .register(registry)
                    .increment(
                            kind.equals("input")
                                    ? c.usage().inputTokens()
                                    : c.usage().outputTokens());
        }
    }
}
