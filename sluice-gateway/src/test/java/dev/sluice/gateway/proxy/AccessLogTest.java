package dev.sluice.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The access line's exact format: operators parse it, so it must not drift. */
class AccessLogTest {

    @Test
    void aGenerationThatAnswered() {
        Completion c = new Completion(
                "req-1",
                "/v1/messages",
                "POST",
                Dialect.ANTHROPIC,
                true,
                "claude",
                true,
                200,
                Outcome.SUCCESS,
                List.of("a/x", "b/y"),
                "b",
                "y",
                new Usage(12, 34, 5, 6),
                true,
                "k1",
                "t",
                0,
                1_000_000,
                12_345_678,
                0);
        assertThat(AccessLog.line(c))
                .isEqualTo("request id=req-1 method=POST route=/v1/messages status=200"
                        + " stream=true model=claude targets=a/x,b/y cache=hit tokens_in=12 tokens_out=34 outcome=SUCCESS"
                        + " duration_ms=12.3");
    }

    @Test
    void aRequestThatNeverGotFar() {
        Completion c = new Completion(
                "req-2",
                "/v1/models",
                "GET",
                Dialect.OPENAI,
                false,
                "",
                false,
                401,
                Outcome.FAILURE,
                List.of(),
                "",
                "",
                Usage.NONE,
                false,
                null,
                null,
                100,
                0,
                100 + 7_050_000,
                0);
        assertThat(AccessLog.line(c))
                .isEqualTo(
                        "request id=req-2 method=GET route=/v1/models status=401 stream=false outcome=FAILURE duration_ms=7.0");
    }

    @Test
    void aRealtimeSessionNamesItsCloseWithTheReasonQuoted() {
        Completion c = new Completion(
                "req-3",
                "/v1/realtime",
                "GET",
                Dialect.OPENAI,
                true,
                "gpt-realtime",
                true,
                101,
                Outcome.FAILURE,
                List.of("oai/gpt-realtime"),
                "oai",
                "gpt-realtime",
                Usage.NONE,
                false,
                "k1",
                "t1",
                100,
                0,
                100 + 2_000_000,
                0,
                Completion.Detail.closed(1011, "upstream \"oai\" went\nsilent"));
        assertThat(AccessLog.line(c))
                .isEqualTo("request id=req-3 method=GET route=/v1/realtime status=101 stream=true model=gpt-realtime"
                        + " targets=oai/gpt-realtime close=1011 close_reason=\"upstream \\\"oai\\\" went silent\""
                        + " outcome=FAILURE duration_ms=2.0");
    }
}
