package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.NEVER_OPENS;
import static dev.sluice.gateway.route.Fixtures.OPENS_AFTER_4;
import static dev.sluice.gateway.route.Fixtures.firstAttempt;
import static dev.sluice.gateway.route.Fixtures.generous;
import static dev.sluice.gateway.route.Fixtures.router;
import static dev.sluice.gateway.route.Fixtures.runAll;
import static dev.sluice.gateway.route.Fixtures.targets;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.LeakChecked;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A prompt too long for its target moves the plan to the route's context-length targets, never back. */
@LeakChecked
class ContextLengthTest {

    private final MutableClock clock = new MutableClock();
    private Router router;

    @AfterEach
    void close() {
        router.close();
    }

    private static Map<String, RouteSpec> route(List<String> targets, List<String> onContextLength) {
        return Map.of(
                "m",
                new RouteSpec(
                        "m",
                        targets(targets.toArray(String[]::new)),
                        Balance.FALLBACK,
                        targets(onContextLength.toArray(String[]::new))));
    }

    @Test
    void aTooLongPromptGoesToTheFirstContextLengthTargetWithoutARetryToken() {
        router = router(route(List.of("p/a", "q/b"), List.of("big/x", "huge/y")), generous(NEVER_OPENS), clock);
        Plan plan = router.plan("m", Optional.empty());

        try (Attempt a = plan.next().orElseThrow()) {
            a.finish(AttemptOutcome.CONTEXT_LENGTH, Optional.empty());
        }
        assertThat(plan.switchesForContextLength()).isTrue();
        try (Attempt a = plan.next().orElseThrow()) {
            assertThat(plan.switchesForContextLength()).isFalse();
            assertThat(a.target().id()).isEqualTo("big/x");
            a.finish(AttemptOutcome.SUCCESS, Optional.empty());
        }

        assertThat(plan.next()).isEmpty();
        assertThat(plan.tried()).containsExactly("p/a", "big/x");
        assertThat(plan.usedFallback()).isTrue();
        assertThat(router.retryStats().retriesGranted()).isZero();
        assertThat(router.stats().get("big/x").fallbacks()).isEqualTo(1);
    }

    @Test
    void afterTheSwitchTheRequestStaysOnTheContextLengthTargetsAndNeverGoesBack() {
        router = router(route(List.of("p/a", "q/b"), List.of("big/x", "huge/y")), generous(NEVER_OPENS), clock);
        Plan plan = router.plan("m", Optional.empty());
        List<AttemptOutcome> outcomes =
                List.of(AttemptOutcome.CONTEXT_LENGTH, AttemptOutcome.SERVER_ERROR, AttemptOutcome.SUCCESS);

        Optional<Attempt> next;
        int i = 0;
        while ((next = plan.next()).isPresent()) {
            try (Attempt a = next.get()) {
                a.finish(outcomes.get(i++), Optional.empty());
            }
        }

        // max 3: the server error's same-target retry would leave huge/y no attempt, so huge/y comes next
        assertThat(plan.tried()).containsExactly("p/a", "big/x", "huge/y");
    }

    @Test
    void aTargetIsNeverSentTheSameRequestTwiceForContextLength() {
        router = router(route(List.of("p/a", "big/x"), List.of("big/x", "huge/y")), generous(NEVER_OPENS), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.CONTEXT_LENGTH);

        assertThat(plan.tried()).containsExactly("p/a", "big/x", "huge/y");
        assertThat(plan.reason()).isEqualTo("not retried: CONTEXT_LENGTH");

        router.close();
        router = router(route(List.of("p/a"), List.of("p/a")), generous(NEVER_OPENS), clock);
        Plan same = runAll(router, "m", AttemptOutcome.CONTEXT_LENGTH);
        assertThat(same.tried()).containsExactly("p/a");
        assertThat(same.reason()).isEqualTo("not retried: CONTEXT_LENGTH");
    }

    @Test
    void withoutContextLengthTargetsTheAnswerIsFinalAfterOneAttempt() {
        router = router(route(List.of("p/a", "q/b"), List.of()), generous(NEVER_OPENS), clock);
        Plan plan = router.plan("m", Optional.empty());
        try (Attempt a = plan.next().orElseThrow()) {
            a.finish(AttemptOutcome.CONTEXT_LENGTH, Optional.empty());
        }

        assertThat(plan.switchesForContextLength()).isFalse();
        assertThat(plan.next()).isEmpty();
        assertThat(plan.tried()).containsExactly("p/a");
        assertThat(plan.reason()).isEqualTo("not retried: CONTEXT_LENGTH");
    }

    @Test
    void theSwitchCountsAgainstMaxAttempts() {
        router = router(
                route(List.of("p/a"), List.of("big/x")), generous(NEVER_OPENS, 1, SameTargetRetries.defaults()), clock);

        Plan plan = runAll(router, "m", AttemptOutcome.CONTEXT_LENGTH);

        assertThat(plan.tried()).containsExactly("p/a");
        assertThat(plan.reason()).isEqualTo("gave up after 1 attempts (max 1); last: CONTEXT_LENGTH on p/a");
    }

    @Test
    void aContextLengthTargetWhoseBreakerIsOpenIsSkipped() {
        Map<String, RouteSpec> routes = new java.util.HashMap<>(route(List.of("p/a"), List.of("big/x")));
        routes.put("n", new RouteSpec("n", targets("big/x"), Balance.FALLBACK));
        router = router(routes, generous(OPENS_AFTER_4), clock);
        for (int i = 0; i < 4; i++) {
            firstAttempt(router, "n", Optional.empty(), AttemptOutcome.SERVER_ERROR);
        }

        Plan plan = runAll(router, "m", AttemptOutcome.CONTEXT_LENGTH);

        assertThat(plan.tried()).containsExactly("p/a");
        assertThat(plan.reason())
                .startsWith("no context-length target left after CONTEXT_LENGTH on p/a (circuit open for big/x");
    }
}
