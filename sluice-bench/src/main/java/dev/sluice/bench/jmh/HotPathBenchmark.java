package dev.sluice.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Admission;
import dev.sluice.core.Limiter;
import dev.sluice.core.Priority;
import dev.sluice.gateway.cache.CacheKeys;
import dev.sluice.gateway.translate.Translate;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Warmup;

/** Per-request costs on the hot path: a permit acquired and released, and the response cache key. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {

    Limiter limiter;
    JsonNode request;

    @Setup
    public void setup() throws Exception {
        limiter = Limiter.fixed("bench", 1_000_000);
        request = Translate.mapper()
                .readTree(
                        "{\"model\":\"m\",\"max_tokens\":256,\"temperature\":0,"
                                + "\"system\":\"be brief\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there, how are you\"}]}");
    }

    @Benchmark
    public boolean permitAcquireRelease() throws InterruptedException {
        Admission a = limiter.acquire(Priority.INTERACTIVE, Duration.ZERO);
        if (a instanceof Admission.Granted g) {
            g.permit().close();
            return true;
        }
        return false;
    }

    @Benchmark
    public String cacheKey() {
        return CacheKeys.key("tenant", "anthropic", false, request);
    }
}
