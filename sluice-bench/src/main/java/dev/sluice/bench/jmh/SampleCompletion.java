package dev.sluice.bench.jmh;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Usage;
import java.util.List;

/** The finished request the per-request benchmarks record: a streamed Anthropic answer of one target. */
final class SampleCompletion {

    private SampleCompletion() {}

    static Completion streamedAnswer() {
        return new Completion(
                "req_0b6c3a1f2d9e4b7a8c5d",
                "/v1/messages",
                "POST",
                Dialect.ANTHROPIC,
                true,
                "claude-sonnet-4-5",
                true,
                200,
                Outcome.SUCCESS,
                List.of("anthropic/claude-sonnet-4-5"),
                "anthropic",
                "claude-sonnet-4-5",
                new Usage(1200, 340, 0, 0),
                false,
                "k1",
                "t",
                0,
                1_000_000,
                212_345_678,
                0);
    }
}
