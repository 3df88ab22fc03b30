package dev.sluice.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.proxy.Tally;
import dev.sluice.gateway.route.AttemptOutcome;
import dev.sluice.gateway.route.Balance;
import dev.sluice.gateway.route.Plan;
import dev.sluice.gateway.route.RouteSpec;
import dev.sluice.gateway.route.Router;
import dev.sluice.gateway.route.RoutingPolicy;
import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.route.health.BreakerPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The attempt loop on a fake ticker and sleeper: the retry delay is asked for, never slept. */
class AttemptsTest {

    /** 3 attempts, a budget no test spends, Retry-After waited up to 5 s. */
    private static final RoutingPolicy POLICY = new RoutingPolicy(
            3,
            10,
            1000,
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            BreakerPolicy.defaults(),
            Duration.ofMillis(100),
            Duration.ofMillis(300));

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Duration> slept = new ArrayList<>();
    /** Records the delay and moves the fake ticker on by it. */
    private final Timing timing = new Timing(now::get, d -> {
        slept.add(d);
        now.addAndGet(d.toNanos());
    });

    private final Tally tally = new Tally();
    private final AtomicInteger answered = new AtomicInteger();
    private Router router;

    @AfterEach
    void closeRouter() {
        router.close();
    }

    private Plan plan(String... targets) {
        List<Target> ts = java.util.Arrays.stream(targets)
                .map(id -> new Target(id.split("/")[0], id.split("/")[1]))
                .toList();
        router = new Router(
                Map.of("m", new RouteSpec("m", ts, Balance.FALLBACK)), Optional.empty(), Map.of(), POLICY, null);
        return router.plan("m", Optional.empty());
    }

    private Attempts attempts(Duration total) {
        return new Attempts(
                timing.sleeper(), Deadline.after(timing, total), dev.sluice.gateway.edge.ClientGoneWatch.NONE, tally);
    }

    /** The first attempt is overloaded with Retry-After 1.5 s, the second answers. */
    private Attempts.Step overloadedThenAnswered() {
        AtomicInteger calls = new AtomicInteger();
        return attempt -> {
            if (calls.incrementAndGet() == 1) {
                attempt.finish(AttemptOutcome.OVERLOADED, Optional.of(Duration.ofMillis(1500)));
                return new AttemptResult.FailedBeforeFirstByte(
                        new GatewayException(529, "overloaded_error", "upstream overloaded", "2"));
            }
            attempt.finish(AttemptOutcome.SUCCESS, Optional.empty());
            return new AttemptResult.Answered(Outcome.SUCCESS);
        };
    }

    @Test
    void theRetryAfterDelayGoesToTheSleeperBeforeTheRetry() throws Exception {
        Outcome o =
                attempts(Duration.ofSeconds(30)).run(plan("p/a"), overloadedThenAnswered(), answered::incrementAndGet);

        assertThat(o).isEqualTo(Outcome.SUCCESS);
        assertThat(slept).containsExactly(Duration.ofMillis(1500));
        assertThat(tally.tried()).containsExactly("p/a", "p/a");
        assertThat(answered).hasValue(1);
    }

    @Test
    void aDeadlinePassedDuringTheDelayIsA504AndFreesTheTarget() {
        assertThatThrownBy(() -> attempts(Duration.ofSeconds(1))
                        .run(plan("p/a"), overloadedThenAnswered(), answered::incrementAndGet))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(504);
                    assertThat(e.outcome()).as("no answer in time: a drop").isEqualTo(Outcome.DROPPED);
                })
                .hasMessage("no answer within timeouts.total (1000 ms) over 1 attempt(s)");
        assertThat(slept).containsExactly(Duration.ofMillis(1500));
        assertThat(answered).hasValue(0);
        assertThat(router.stats().get("p/a").inFlight()).isZero();
    }

    @Test
    void aRequestLevel400StopsWithoutTryingTheNextTarget() {
        GatewayException bad = new GatewayException(400, "invalid_request_error", "bad request", null);
        assertThatThrownBy(() -> attempts(Duration.ofSeconds(30))
                        .run(
                                plan("p/a", "q/b"),
                                attempt -> {
                                    attempt.finish(AttemptOutcome.CLIENT_ERROR, Optional.empty());
                                    return new AttemptResult.FailedBeforeFirstByte(bad);
                                },
                                answered::incrementAndGet))
                .isSameAs(bad);
        assertThat(tally.tried()).containsExactly("p/a");
        assertThat(slept).isEmpty();
    }

    @Test
    void aContextLength400GoesOnToTheRoutesContextLengthTarget() throws Exception {
        router = new Router(
                Map.of(
                        "m",
                        new RouteSpec(
                                "m",
                                List.of(new Target("p", "a"), new Target("q", "b")),
                                Balance.FALLBACK,
                                List.of(new Target("big", "x")))),
                Optional.empty(),
                Map.of(),
                POLICY,
                null);
        GatewayException tooLong = new GatewayException(400, "invalid_request_error", "prompt is too long", null);

        Outcome o = attempts(Duration.ofSeconds(30))
                .run(
                        router.plan("m", Optional.empty()),
                        attempt -> {
                            if (attempt.target().id().equals("p/a")) {
                                attempt.finish(AttemptOutcome.CONTEXT_LENGTH, Optional.empty());
                                return new AttemptResult.FailedBeforeFirstByte(tooLong);
                            }
                            attempt.finish(AttemptOutcome.SUCCESS, Optional.empty());
                            return new AttemptResult.Answered(Outcome.SUCCESS);
                        },
                        answered::incrementAndGet);

        assertThat(o).isEqualTo(Outcome.SUCCESS);
        assertThat(tally.tried()).containsExactly("p/a", "big/x");
    }

    @Test
    void aContextLength400WithoutAContextLengthTargetIsPassedOnAfterOneAttempt() {
        GatewayException tooLong = new GatewayException(400, "invalid_request_error", "prompt is too long", null);
        assertThatThrownBy(() -> attempts(Duration.ofSeconds(30))
                        .run(
                                plan("p/a", "q/b"),
                                attempt -> {
                                    attempt.finish(AttemptOutcome.CONTEXT_LENGTH, Optional.empty());
                                    return new AttemptResult.FailedBeforeFirstByte(tooLong);
                                },
                                answered::incrementAndGet))
                .isSameAs(tooLong);
        assertThat(tally.tried()).containsExactly("p/a");
    }

    @Test
    void anUnknownModelIsA404WithThePlansMessage() {
        router = new Router(Map.of(), Optional.empty(), Map.of(), POLICY, null);
        GatewayException e = Attempts.noTarget(router.plan("gpt-9", Optional.empty()));
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(e).hasMessage("no route for model gpt-9");
    }
}
