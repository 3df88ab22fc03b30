package dev.sluice.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.route.AttemptOutcome;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** How a request's admission permit closes when it ends in an upstream's error: a drop only for overload and timeouts. */
class OutcomesTest {

    @Test
    void onlyRateLimitsOverloadAndTimeoutsAreDrops() {
        EnumSet<AttemptOutcome> drops = EnumSet.noneOf(AttemptOutcome.class);
        Arrays.stream(AttemptOutcome.values()).filter(AttemptOutcome::drop).forEach(drops::add);

        assertThat(drops)
                .containsExactlyInAnyOrder(
                        AttemptOutcome.RATE_LIMITED, AttemptOutcome.OVERLOADED, AttemptOutcome.TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(AttemptOutcome.class)
    void anErrorAfterAnAttemptIsADropOrAFailureNeverAnythingElse(AttemptOutcome attempt) {
        assertThat(Outcomes.ofError(attempt)).isEqualTo(attempt.drop() ? Outcome.DROPPED : Outcome.FAILURE);
    }

    @ParameterizedTest(name = "upstream {0} -> {1}")
    @CsvSource({
        "200, SUCCESS",
        "429, DROPPED",
        "503, DROPPED",
        "529, DROPPED",
        "500, FAILURE",
        "502, FAILURE",
        "400, FAILURE",
        "401, FAILURE",
        "404, FAILURE",
    })
    void anUpstreamAnswerIsADropWhenItShedTheRequest(int status, Outcome expected) {
        assertThat(Outcomes.ofAnswer(status, "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(expected);
    }

    @Test
    void aContextLengthAnswerIsTheClientsFailure() {
        byte[] body =
                "{\"error\":{\"message\":\"prompt is too long: 250000 tokens\"}}".getBytes(StandardCharsets.UTF_8);

        assertThat(Outcomes.ofAnswer(400, body)).isEqualTo(Outcome.FAILURE);
    }

    @Test
    void anUpstreamFailureWithoutAnAnswerIsADropWhenItTimedOutOrThePoolWasFull() {
        Map<UpstreamFailure.Kind, Outcome> expected = Map.of(
                UpstreamFailure.Kind.FIRST_BYTE_TIMEOUT, Outcome.DROPPED,
                UpstreamFailure.Kind.TOTAL_TIMEOUT, Outcome.DROPPED,
                UpstreamFailure.Kind.IDLE_TIMEOUT, Outcome.DROPPED,
                UpstreamFailure.Kind.QUEUE_FULL, Outcome.DROPPED,
                UpstreamFailure.Kind.CONNECT, Outcome.FAILURE,
                UpstreamFailure.Kind.BROKEN, Outcome.FAILURE,
                UpstreamFailure.Kind.ABORTED, Outcome.FAILURE);
        assertThat(expected).containsOnlyKeys(UpstreamFailure.Kind.values());

        for (UpstreamFailure.Kind kind : UpstreamFailure.Kind.values()) {
            GatewayException e = Outcomes.error(new UpstreamFailure(kind, "test " + kind, null), "p/m", "req-1");

            assertThat(e.outcome()).as("%s (HTTP %s)", kind, e.status()).isEqualTo(expected.get(kind));
        }
    }

    @Test
    void anUpstreamAnswerPassedOnCarriesTheOutcomeItWasGiven() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        assertThat(GatewayException.upstreamAnswer(529, body, Map.of(), Outcome.DROPPED)
                        .outcome())
                .isEqualTo(Outcome.DROPPED);
        assertThat(GatewayException.upstreamAnswer(429, body, Map.of("retry-after", List.of("1")), Outcome.DROPPED)
                        .outcome())
                .isEqualTo(Outcome.DROPPED);
        assertThat(GatewayException.upstreamAnswer(500, body, Map.of(), Outcome.FAILURE)
                        .outcome())
                .isEqualTo(Outcome.FAILURE);
    }

    @Test
    void sluicesOwnErrorsAreFailuresNeverDrops() {
        assertThat(new GatewayException(400, "bad").outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(new GatewayException(529, "overloaded_error", "Sluice is overloaded", "1").outcome())
                .isEqualTo(Outcome.FAILURE);
        assertThat(new GatewayException(429, "rate_limit_error", "rate limited: key budget", "1").outcome())
                .isEqualTo(Outcome.FAILURE);
    }

    @Test
    void anErrorIsNeverASuccessOrACancellation() {
        assertThatThrownBy(() -> new GatewayException(500, "api_error", "x", null, Outcome.SUCCESS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GatewayException(500, "api_error", "x", null, Outcome.CANCELLED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
