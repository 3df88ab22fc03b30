package dev.sluice.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The usage record made from a finished request: the columns as the request path filled them before. */
class UsageListenerTest {

    private static final PriceTable PRICES = PriceTable.parse(List.of("asked=1/2"));

    @Test
    void aStreamedAnswerWithAnUnpricedUpstreamModelIsPricedByTheModelAsked() {
        Completion c = new Completion(
                "req-1",
                "/v1/chat/completions",
                "POST",
                Dialect.OPENAI,
                true,
                "asked",
                true,
                200,
                Outcome.SUCCESS,
                List.of("p/up"),
                "p",
                "up",
                new Usage(1_000_000, 1_000_000, 0, 0),
                false,
                "k1",
                "acme",
                0,
                3_000_000,
                9_000_000,
                1234L);
        assertThat(UsageListener.record(c, PRICES))
                .isEqualTo(new UsageRecord(
                        "req-1", 1234L, "k1", "acme", "asked", "p", "up", "openai", true, 1_000_000, 1_000_000, 0, 0, 9,
                        3, 200, "SUCCESS", 3_000_000));
    }

    @Test
    void aCacheHitWithoutFirstByteIsFromTheCacheWithTtftMinusOne() {
        Completion c = new Completion(
                "req-2",
                "/v1/messages",
                "POST",
                Dialect.ANTHROPIC,
                true,
                "m",
                false,
                499,
                Outcome.CANCELLED,
                List.of(),
                "",
                "",
                Usage.NONE,
                true,
                "k2",
                "default",
                0,
                0,
                2_500_000,
                5L);
        UsageRecord r = UsageListener.record(c, PRICES);
        assertThat(r.provider()).isEqualTo("cache");
        assertThat(r.ttftMs()).isEqualTo(-1);
        assertThat(r.latencyMs()).isEqualTo(2);
        assertThat(r.outcome()).isEqualTo("CANCELLED");
        assertThat(r.costMicros()).isZero();
    }
}
