package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.NEVER_OPENS;
import static dev.sluice.gateway.route.Fixtures.generous;
import static dev.sluice.gateway.route.Fixtures.route;
import static dev.sluice.gateway.route.Fixtures.router;
import static dev.sluice.gateway.route.Fixtures.runAll;
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
        assertThat(plan.tried()).containsExactly("p/a", "q/b", "r/c");
        assertThat(plan.reason()).isEqualTo("gave up after 3 attempts (max 3); last: SERVER_ERROR on r/c");
    }

    @Test
    void aQuietGatewayStillRetriesOnTheFloorWithDefaultPolicy() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b", "r/c"), RoutingPolicy.defaults(), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.CONNECT_FAILED);

        assertThat(plan.tried()).containsExactly("p/a", "q/b", "r/c");
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
    void serverErrorsMoveToTheNextTargetInsteadOfHammeringTheSameOne() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(NEVER_OPENS), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.SERVER_ERROR);

        assertThat(plan.tried()).containsExactly("p/a", "q/b");
        assertThat(plan.reason()).startsWith("no target left after SERVER_ERROR on q/b");
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
