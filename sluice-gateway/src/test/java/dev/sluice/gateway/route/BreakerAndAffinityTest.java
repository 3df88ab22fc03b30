package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.OPENS_AFTER_4;
import static dev.sluice.gateway.route.Fixtures.firstAttempt;
import static dev.sluice.gateway.route.Fixtures.generous;
import static dev.sluice.gateway.route.Fixtures.route;
import static dev.sluice.gateway.route.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@LeakChecked
class BreakerAndAffinityTest {

    private final MutableClock clock = new MutableClock();
    private Router router;

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void breakerOpensAfterFailuresAndThePlanSkipsItsTarget() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(OPENS_AFTER_4), clock);

        for (int i = 0; i < 4; i++) {
            assertThat(firstAttempt(router, "m", Optional.empty(), AttemptOutcome.TIMEOUT))
                    .isEqualTo("p/a");
        }

        assertThat(router.stats().get("p/a").breakerState()).isEqualTo("OPEN");
        assertThat(router.stats().get("p/a").failures()).isEqualTo(4);
        Plan plan = router.plan("m", Optional.empty());
        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(a.target().id()).isEqualTo("q/b");
            a.finish(AttemptOutcome.TIMEOUT, Optional.empty());
        }
        assertThat(plan.next()).isEmpty(); // a is not in the plan at all
        assertThat(plan.tried()).containsExactly("q/b");
    }

    @Test
    void clientErrorsAndRateLimitsNeverOpenTheBreaker() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(OPENS_AFTER_4), clock);

        for (int i = 0; i < 20; i++) {
            AttemptOutcome o = switch (i % 4) {
                case 0 -> AttemptOutcome.CLIENT_ERROR;
                case 1 -> AttemptOutcome.RATE_LIMITED;
                case 2 -> AttemptOutcome.CONTEXT_LENGTH;
                default -> AttemptOutcome.STALE_CONNECTION;
            };
            firstAttempt(router, "m", Optional.empty(), o);
        }

        assertThat(router.stats().get("p/a").breakerState()).isEqualTo("CLOSED");
        assertThat(router.stats().get("p/a").failures()).isZero();
    }

    @Test
    void allTargetsOpenGivesAnEmptyPlanThatSaysWhichAndUntilWhen() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), generous(OPENS_AFTER_4), clock);
        for (int i = 0; i < 4; i++) {
            firstAttempt(router, "m", Optional.empty(), AttemptOutcome.SERVER_ERROR); // opens a
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 4; i++) {
            firstAttempt(router, "m", Optional.empty(), AttemptOutcome.CONNECT_FAILED); // b is first now
        }

        Plan plan = router.plan("m", Optional.empty());

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.whyEmpty()).contains(Plan.Empty.ALL_BREAKERS_OPEN);
        assertThat(plan.next()).isEmpty();
        assertThat(plan.reason())
                .startsWith("all targets unavailable: circuit open for p/a until ")
                .contains("q/b until " + clock.instant().plusSeconds(30));
        assertThat(plan.retryAfter()).contains(Duration.ofSeconds(20)); // a reopens first
    }

    @Test
    void unknownModelWithoutDefaultProviderIsAnEmptyPlan() {
        router = router(route("m", Balance.FALLBACK, "p/a"), generous(OPENS_AFTER_4), clock);

        Plan plan = router.plan("gpt-9", Optional.empty());

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.reason()).isEqualTo("no route for model gpt-9");
        assertThat(plan.whyEmpty()).contains(Plan.Empty.NO_ROUTE);
        assertThat(router.retryStats().inbound()).isZero();
    }

    @Test
    void unknownModelGoesToTheDefaultProviderAsItsOwnTarget() {
        router = new Router(
                route("m", Balance.FALLBACK, "p/a"),
                Optional.of("ollama"),
                Map.of(),
                generous(OPENS_AFTER_4),
                null,
                new RouterEnv(clock, RouterEnv.THREAD_LOCAL_RANDOM, ManualScheduler::new));

        assertThat(firstAttempt(router, "llama3", Optional.empty(), AttemptOutcome.SUCCESS))
                .isEqualTo("ollama/llama3");
        assertThat(router.stats()).containsKeys("p/a", "ollama/llama3");
    }

    @Test
    void sessionSticksToItsTargetWhileHealthyMovesWhenItOpensAndReturnsWhenItCloses() {
        router = router(route("m", Balance.WEIGHTED, "p/a", "q/b", "r/c", "s/d"), generous(OPENS_AFTER_4), clock);
        Map<String, String> home = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            String s = "session-" + i;
            home.put(s, firstAttempt(router, "m", Optional.of(s), AttemptOutcome.SUCCESS));
        }
        assertThat(home.values()).contains("p/a", "q/b", "r/c", "s/d"); // spread out
        for (int round = 0; round < 3; round++) { // sticky, despite WEIGHTED's randomness
            home.forEach((s, t) -> assertThat(firstAttempt(router, "m", Optional.of(s), AttemptOutcome.SUCCESS))
                    .isEqualTo(t));
        }
        String session = home.entrySet().stream()
                .filter(e -> e.getValue().equals("q/b"))
                .findFirst()
                .orElseThrow()
                .getKey();

        for (int i = 0;
                i < 4 && !router.stats().get("q/b").breakerState().equals("OPEN");
                i++) { // fails until it opens
            assertThat(firstAttempt(router, "m", Optional.of(session), AttemptOutcome.SERVER_ERROR))
                    .isEqualTo("q/b");
        }
        assertThat(router.stats().get("q/b").breakerState()).isEqualTo("OPEN");

        String moved = firstAttempt(router, "m", Optional.of(session), AttemptOutcome.SUCCESS);
        assertThat(moved).isNotEqualTo("q/b");
        assertThat(firstAttempt(router, "m", Optional.of(session), AttemptOutcome.SUCCESS))
                .isEqualTo(moved);
        home.forEach((s, t) -> { // only sessions of q/b moved
            if (!t.equals("q/b")) {
                assertThat(firstAttempt(router, "m", Optional.of(s), AttemptOutcome.SUCCESS))
                        .isEqualTo(t);
            }
        });

        clock.advance(Duration.ofSeconds(31)); // wait in open over: the trial call goes to q/b and succeeds
        assertThat(firstAttempt(router, "m", Optional.of(session), AttemptOutcome.SUCCESS))
                .isEqualTo("q/b");
        assertThat(router.stats().get("q/b").breakerState()).isEqualTo("CLOSED");
        assertThat(firstAttempt(router, "m", Optional.of(session), AttemptOutcome.SUCCESS))
                .isEqualTo("q/b");
    }
}
