package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.NEVER_OPENS;
import static dev.sluice.gateway.route.Fixtures.generous;
import static dev.sluice.gateway.route.Fixtures.route;
import static dev.sluice.gateway.route.Fixtures.router;
import static dev.sluice.gateway.route.Fixtures.runAll;
import static dev.sluice.gateway.route.SameTargetRetries.defaults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@LeakChecked
class RetryDecisionTest {

    private final MutableClock clock = new MutableClock();
    private Router router;

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void aRequestNeverMakesMoreThanMaxAttempts() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b", "r/c", "s/d", "t/e"), generous(NEVER_OPENS), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.SERVER_ERROR);

        assertThat(plan.attempts()).isEqualTo(3);
        assertThat(plan.tried()).containsExactly("p/a", "p/a", "q/b");
        assertThat(plan.reason()).isEqualTo("gave up after 3 attempts (max 3); last: SERVER_ERROR on q/b");
    }

    @Test
    void aQuietGatewayStillRetriesOnTheFloorWithDefaultPolicy() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b", "r/c"), RoutingPolicy.defaults(), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.CONNECT_FAILED);

        assertThat(plan.tried()).containsExactly("p/a", "p/a", "q/b");
        assertThat(router.retryStats().retriesGranted()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(names = {"CONTEXT_LENGTH", "CONTENT_FILTER", "CLIENT_ERROR", "SUCCESS", "CANCELLED"})
    void answersThatAreNotTheUpstreamsFaultAreNeverRetried(AttemptOutcome outcome) {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(NEVER_OPENS), clock);

        Plan plan = runAll(router, "m", outcome);

        assertThat(plan.tried()).containsExactly("p/a");
        assertThat(plan.usedFallback()).isFalse();
        assertThat(router.retryStats().retriesGranted()).isZero();
        assertThat(plan.reason()).isIn("not retried: " + outcome, "succeeded", "cancelled");
    }

    @Test
    void aStaleConnectionIsRetriedOnceOnTheSameTargetWithoutAToken() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(NEVER_OPENS), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.STALE_CONNECTION);

        assertThat(plan.tried()).containsExactly("p/a", "p/a", "q/b");
        assertThat(router.retryStats().retriesGranted()).isEqualTo(1); // only the move to q/b
        assertThat(router.stats().get("p/a").retries()).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedOnceOnTheSameTargetThenMoveToTheNext() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(NEVER_OPENS, 5, defaults()), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.SERVER_ERROR);

        assertThat(plan.tried()).containsExactly("p/a", "p/a", "q/b", "q/b");
        assertThat(plan.reason()).startsWith("no target left after SERVER_ERROR on q/b");
        assertThat(router.retryStats().retriesGranted()).isEqualTo(3);
        assertThat(router.stats().get("p/a").retries()).isEqualTo(1);
        assertThat(router.stats().get("q/b").retries()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(names = {"SERVER_ERROR", "CONNECT_FAILED"})
    void byDefaultAServerErrorOrAFailedConnectIsRetriedOnceThenTheNextTargetAnswers(AttemptOutcome outcome) {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), RoutingPolicy.defaults(), clock);

        Plan plan = run(router, "m", outcome, outcome, AttemptOutcome.SUCCESS);

        assertThat(plan.tried()).containsExactly("p/a", "p/a", "q/b");
        assertThat(plan.usedFallback()).isTrue();
        assertThat(plan.reason()).isEqualTo("succeeded");
    }

    @ParameterizedTest
    @EnumSource(names = {"OVERLOADED", "TIMEOUT", "UNSUPPORTED"})
    void byDefaultAnOverloadATimeoutOrAnUnsupportedRequestMovesToTheNextTargetAtOnce(AttemptOutcome outcome) {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), RoutingPolicy.defaults(), clock);

        Plan plan = run(router, "m", outcome, AttemptOutcome.SUCCESS);

        assertThat(plan.tried()).containsExactly("p/a", "q/b");
        assertThat(router.stats().get("p/a").retries()).isZero();
    }

    @Test
    void eachKindHasItsOwnCountOfSameTargetRetries() {
        router = router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                generous(NEVER_OPENS, 10, new SameTargetRetries(2, 0, 1, 1)),
                clock);

        assertThat(run(router, "m", AttemptOutcome.SERVER_ERROR).tried())
                .containsExactly("p/a", "p/a", "p/a", "q/b", "q/b", "q/b");
        assertThat(run(router, "m", AttemptOutcome.CONNECT_FAILED).tried()).containsExactly("p/a", "q/b");
        assertThat(run(router, "m", AttemptOutcome.OVERLOADED).tried()).containsExactly("p/a", "p/a", "q/b", "q/b");
        assertThat(run(router, "m", AttemptOutcome.TIMEOUT).tried()).containsExactly("p/a", "p/a", "q/b", "q/b");
        // kinds counted apart on one target: a timeout's retry leaves the server error's two
        assertThat(run(
                                router,
                                "m",
                                AttemptOutcome.TIMEOUT,
                                AttemptOutcome.SERVER_ERROR,
                                AttemptOutcome.SERVER_ERROR,
                                AttemptOutcome.SERVER_ERROR,
                                AttemptOutcome.SUCCESS)
                        .tried())
                .containsExactly("p/a", "p/a", "p/a", "p/a", "q/b");
    }

    @Test
    void anOverloadWithARetryAfterTooLongToWaitForMovesOnEvenWhenRetriesAreAllowed() {
        router = router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                generous(NEVER_OPENS, 5, new SameTargetRetries(0, 0, 3, 0)),
                clock);
        Plan plan = router.plan("m", Optional.empty());

        try (Attempt a = plan.next().orElseThrow()) {
            a.finish(AttemptOutcome.OVERLOADED, Optional.of(Duration.ofSeconds(60)));
        }

        try (Attempt b = plan.next().orElseThrow()) {
            assertThat(b.target().id()).isEqualTo("q/b");
            b.finish(AttemptOutcome.SUCCESS, Optional.empty());
        }
        assertThat(plan.tried()).containsExactly("p/a", "q/b");
    }

    @Test
    void aStaleConnectionsFreeRetryCountsAsOneOfTheConnectionRetries() {
        router = router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                generous(NEVER_OPENS, 5, new SameTargetRetries(0, 2, 0, 0)),
                clock);

        Plan plan = run(
                router,
                "m",
                AttemptOutcome.STALE_CONNECTION,
                AttemptOutcome.STALE_CONNECTION,
                AttemptOutcome.STALE_CONNECTION,
                AttemptOutcome.SUCCESS);

        assertThat(plan.tried()).containsExactly("p/a", "p/a", "p/a", "q/b");
        assertThat(router.retryStats().retriesGranted()).isEqualTo(2); // the second retry and the move
    }

    @Test
    void noSameTargetRetryWhenItWouldLeaveNoAttemptForTheNextTarget() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(NEVER_OPENS, 2, defaults()), clock);

        assertThat(run(router, "m", AttemptOutcome.SERVER_ERROR).tried()).containsExactly("p/a", "q/b");
        assertThat(run(router, "m", AttemptOutcome.CONNECT_FAILED, AttemptOutcome.SUCCESS)
                        .tried())
                .containsExactly("p/a", "q/b");
    }

    @Test
    void withoutANextTargetTheLastAttemptMayBeASameTargetRetry() {
        router = router(route("m", Balance.FALLBACK, "p/a"), generous(NEVER_OPENS, 2, defaults()), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.SERVER_ERROR);

        assertThat(plan.tried()).containsExactly("p/a", "p/a");
        assertThat(plan.reason()).isEqualTo("gave up after 2 attempts (max 2); last: SERVER_ERROR on p/a");
    }

    @Test
    void aSameTargetRetryNeedsARetryToken() {
        RoutingPolicy noBudget = new RoutingPolicy(
                3,
                0,
                0,
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                NEVER_OPENS,
                Duration.ofMillis(100),
                Duration.ofMillis(300));
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), noBudget, clock);

        Plan plan = runAll(router, "m", AttemptOutcome.SERVER_ERROR);

        assertThat(plan.tried()).containsExactly("p/a");
        assertThat(plan.reason()).startsWith("retry budget exhausted");
        assertThat(router.retryStats().retriesDenied()).isEqualTo(1);
    }

    @Test
    void aRateLimitsKeyRotationSpendsNoneOfTheServerErrorRetries() {
        router = router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                Map.of("p", List.of("k1", "k2")),
                generous(NEVER_OPENS, 5, defaults()),
                clock,
                null,
                new ManualScheduler());

        Plan plan = run(
                router,
                "m",
                AttemptOutcome.RATE_LIMITED,
                AttemptOutcome.SERVER_ERROR,
                AttemptOutcome.SERVER_ERROR,
                AttemptOutcome.SUCCESS);

        assertThat(plan.tried()).containsExactly("p/a", "p/a", "p/a", "q/b");
    }

    /** One request whose attempts end with {@code outcomes} in turn (the last repeated); returns the plan. */
    private static Plan run(Router router, String model, AttemptOutcome... outcomes) {
        Plan plan = router.plan(model, Optional.empty());
        Optional<Attempt> next;
        int i = 0;
        while ((next = plan.next()).isPresent()) {
            try (Attempt a = next.get()) {
                a.finish(outcomes[Math.min(i++, outcomes.length - 1)], Optional.empty());
            }
        }
        return plan;
    }

    @Test
    void aRateLimitRotatesToAnotherKeyAndThenHonoursRetryAfter() {
        router = router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                Map.of("p", List.of("k1", "k2")),
                generous(NEVER_OPENS),
                clock,
                null,
                new ManualScheduler());
        Plan plan = router.plan("m", Optional.empty());

        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(a.apiKey()).contains("k1");
            a.finish(AttemptOutcome.RATE_LIMITED, Optional.of(Duration.ofSeconds(2)));
        }
        assertThat(plan.delayBeforeNext()).isZero(); // k2 is ready: no wait
        clock.advance(Duration.ofMillis(100));
        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(a.target().id()).isEqualTo("p/a");
            assertThat(a.apiKey()).contains("k2");
            a.finish(AttemptOutcome.RATE_LIMITED, Optional.of(Duration.ofSeconds(3)));
        }
        assertThat(plan.delayBeforeNext()).isEqualTo(Duration.ofSeconds(3)); // both keys rest: wait it out
        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(plan.delayBeforeNext()).isEqualTo(Duration.ofSeconds(3));
            assertThat(a.target().id()).isEqualTo("p/a");
            assertThat(a.apiKey()).contains("k1"); // its rest ends first
            a.finish(AttemptOutcome.SUCCESS, Optional.empty());
        }
        assertThat(plan.next()).isEmpty();
        assertThat(router.stats().get("p/a").rateLimited()).isEqualTo(2);
    }

    @Test
    void aRetryAfterLongerThanTheMaximumMovesToTheNextTargetAtOnce() {
        router = router(
                route("m", Balance.FALLBACK, "p/a", "q/b"),
                Map.of("p", List.of("k1")),
                generous(NEVER_OPENS),
                clock,
                null,
                new ManualScheduler());
        Plan plan = router.plan("m", Optional.empty());

        try (Attempt a = plan.next().orElseThrow()) {
            a.finish(AttemptOutcome.RATE_LIMITED, Optional.of(Duration.ofSeconds(60)));
        }

        assertThat(plan.delayBeforeNext()).isZero();
        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(a.target().id()).isEqualTo("q/b");
            a.finish(AttemptOutcome.OVERLOADED, Optional.of(Duration.ofSeconds(1)));
        }
        assertThat(plan.delayBeforeNext())
                .isEqualTo(Duration.ofSeconds(1)); // 529 with a short Retry-After: same target
        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(a.target().id()).isEqualTo("q/b");
            a.finish(AttemptOutcome.OVERLOADED, Optional.of(Duration.ofSeconds(1)));
        }
        assertThat(plan.next()).isEmpty();
        assertThat(plan.retryAfter()).contains(Duration.ofSeconds(1)); // for the client's answer
    }

    @Test
    void askingForTheNextAttemptBeforeTheLastEndedIsABug() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(NEVER_OPENS), clock);
        Plan plan = router.plan("m", Optional.empty());
        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(a.number()).isEqualTo(1);
            assertThatThrownBy(plan::next)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still open");
        }
        assertThat(plan.next()).isEmpty(); // closed without finish: cancelled, not retried
        assertThat(plan.reason()).isEqualTo("cancelled");
    }
}
