package dev.sluice.gateway.route;

import static dev.sluice.gateway.route.Fixtures.NEVER_OPENS;
import static dev.sluice.gateway.route.Fixtures.route;
import static dev.sluice.gateway.route.Fixtures.router;
import static dev.sluice.gateway.route.Fixtures.runAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.route.health.RetryStats;
import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@LeakChecked
class RetryBudgetTest {

    private static final RoutingPolicy POLICY = new RoutingPolicy(
            3,
            0.1,
            3,
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            NEVER_OPENS,
            Duration.ofSeconds(1),
            Duration.ofSeconds(60));

    private final MutableClock clock = new MutableClock();
    private Router router;

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void aStormOfServerErrorsKeepsOutboundWithinTenPercentOfInboundPlusTheFloor() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b", "r/c"), POLICY, clock);
        int inbound = 1000;
        long outbound = 0;

        for (int i = 0; i < inbound; i++) { // 1000 requests in one 10 s window
            outbound += runAll(router, "m", AttemptOutcome.SERVER_ERROR).attempts();
            clock.advance(Duration.ofMillis(10));
        }

        assertThat(outbound)
                .isLessThanOrEqualTo((long) (1.1 * inbound) + 3 * 10)
                .isGreaterThan(inbound + 30);
        RetryStats stats = router.retryStats();
        assertThat(stats.inbound()).isEqualTo(inbound);
        assertThat(stats.retriesGranted()).isEqualTo(outbound - inbound);
        assertThat(stats.retriesDenied()).isGreaterThan(800);
    }

    @Test
    void theBudgetRefillsOnceTheWindowHasPassed() {
        router = router(route("m", Balance.FALLBACK, "p/a", "q/b"), POLICY, clock);
        for (int i = 0;
                i < 100 && runAll(router, "m", AttemptOutcome.SERVER_ERROR).attempts() > 1;
                i++) {
            // spend the floor (30 retries) and the ratio; bounded, so a budget that never runs out fails below
        }
        Plan denied = runAll(router, "m", AttemptOutcome.SERVER_ERROR);
        assertThat(denied.reason()).startsWith("retry budget exhausted: ").endsWith("(allowed 0.1 x requests + 30)");
        RetryStats spent = router.retryStats();
        double allowed = 0.1 * spent.windowInbound() + 30; // spent up to, and by the last grant at most 1 past
        assertThat((double) spent.windowRetries())
                .isGreaterThanOrEqualTo(allowed)
                .isLessThan(allowed + 1);

        clock.advance(Duration.ofSeconds(11));

        assertThat(runAll(router, "m", AttemptOutcome.TIMEOUT).tried()).containsExactly("p/a", "q/b");
        assertThat(router.retryStats().windowRetries()).isEqualTo(1);
    }
}
