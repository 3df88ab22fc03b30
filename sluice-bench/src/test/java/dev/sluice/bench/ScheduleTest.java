package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void requestIIsDueAtStartPlusIOverRate() {
        Schedule s = Schedule.of(1_000, 8, Duration.ofSeconds(10));

        assertThat(s.count()).isEqualTo(80);
        assertThat(s.intendedNanos(0)).isEqualTo(1_000);
        assertThat(s.intendedNanos(1)).isEqualTo(1_000 + 125_000_000);
        assertThat(s.intendedNanos(79)).isEqualTo(1_000 + 79 * 125_000_000L);
    }

    @Test
    void fractionalRatesKeepTheirSpacingWithoutDrift() {
        Schedule s = Schedule.of(0, 3, Duration.ofSeconds(60)); // 333,333,333.3 ns apart

        assertThat(s.count()).isEqualTo(180);
        assertThat(s.intendedNanos(3)).isEqualTo(1_000_000_000L);
        assertThat(s.intendedNanos(179)).isEqualTo(59_666_666_667L);
    }

    @Test
    void countIsTheWholeRequestsThatFitInThePhase() {
        assertThat(Schedule.of(0, 0.5 * 8, Duration.ofSeconds(10)).count()).isEqualTo(40);
        assertThat(Schedule.of(0, 6.4, Duration.ofSeconds(10)).count()).isEqualTo(64);
        assertThat(Schedule.of(0, 0.3, Duration.ofSeconds(10)).count()).isEqualTo(3);
        assertThat(Schedule.of(0, 0.25, Duration.ofSeconds(3)).count()).isZero();
    }

    @Test
    void badRatesAndIndicesAreRefused() {
        assertThatThrownBy(() -> Schedule.of(0, 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Schedule.of(0, Double.NaN, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Schedule.of(0, 1, Duration.ofSeconds(2)).intendedNanos(2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void phasesRunBackToBackEachAtItsMultipleOfCapacity() {
        List<Phase> phases = List.of(
                new Phase("0.5x", 0.5, Duration.ofSeconds(10), Phase.Kind.LOAD),
                new Phase("10x", 10, Duration.ofSeconds(5), Phase.Kind.LOAD),
                new Phase("recovery", 0.5, Duration.ofSeconds(10), Phase.Kind.RECOVERY));

        List<PhaseRecorder> plan = OpenLoop.plan(phases, 8, 42);

        assertThat(plan)
                .extracting(r -> r.schedule.startNanos())
                .containsExactly(42L, 42 + 10_000_000_000L, 42 + 15_000_000_000L);
        assertThat(plan).extracting(r -> r.schedule.perSecond()).containsExactly(4.0, 80.0, 4.0);
        assertThat(plan).extracting(r -> r.schedule.count()).containsExactly(40, 400, 40);
    }
}
