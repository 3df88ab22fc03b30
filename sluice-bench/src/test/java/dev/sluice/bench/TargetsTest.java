package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class TargetsTest {
    private static final long MS = 1_000_000;

    /** A phase of {@code factor} x 8 req/s for 10 s: {@code completed} answers of {@code e2eMs}, the rest shed. */
    private static PhaseSummary phase(
            Phase.Kind kind, double factor, int completed, long e2eMs, long shedMs, long lastShedMs, double floorMiB) {
        Phase phase = new Phase(kind + " " + factor, factor, Duration.ofSeconds(10), kind);
        PhaseRecorder r = new PhaseRecorder(phase, Schedule.of(0, factor * 8, phase.length()));
        for (int i = 0; i < r.schedule.count(); i++) {
            long due = r.schedule.intendedNanos(i);
            if (i < completed) {
                r.record(due, due, CallResult.completed(due + 5 * MS, due + e2eMs * MS));
            } else {
                r.record(
                        due,
                        due,
                        CallResult.shed(i == r.schedule.count() - 1 ? lastShedMs * MS : due + shedMs * MS, false));
            }
        }
        return PhaseSummary.of(r, 8, OptionalDouble.of(floorMiB));
    }

    private static List<PhaseSummary> run(
            int completedAt10x, long p99At10x, long shedMs, long lastShedMs, double endFloor) {
        List<PhaseSummary> phases = new ArrayList<>();
        phases.add(phase(Phase.Kind.BASELINE, 0.8, 64, 1_000, 0, 0, 40));
        phases.add(phase(Phase.Kind.LOAD, 2, 80, 1_100, shedMs, 9_000, 41));
        phases.add(phase(Phase.Kind.LOAD, 10, completedAt10x, p99At10x, shedMs, 9_000, 42));
        phases.add(phase(Phase.Kind.RECOVERY, 0.5, 39, 1_000, shedMs, lastShedMs, endFloor));
        return phases;
    }

    @Test
    void aFlatRunPassesEveryTarget() {
        List<Targets.Check> checks = Targets.check(run(79, 1_150, 2, 1_500, 44));

        assertThat(checks)
                .hasSize(5)
                .allSatisfy(c -> assertThat(c.pass()).as(c.target()).contains(true));
    }

    @Test
    void eachTargetFailsOnItsOwnMeasure() {
        assertThat(Targets.check(run(78, 1_150, 2, 1_500, 44)).get(0).pass()).contains(false); // 97.5% of C
        assertThat(Targets.check(run(79, 1_250, 2, 1_500, 44)).get(1).pass()).contains(false); // 1.25x baseline
        assertThat(Targets.check(run(79, 1_150, 260, 1_500, 44)).get(2).pass()).contains(false); // shed p99 260 ms
        assertThat(Targets.check(run(79, 1_150, 2, 1_500, 49)).get(3).pass()).contains(false); // floor +9 MiB
        assertThat(Targets.check(run(79, 1_150, 2, 2_500, 44)).get(4).pass()).contains(false); // shedding 2.5 s
    }

    @Test
    void withoutABaselineTheLatencyTargetIsNotJudged() {
        List<PhaseSummary> phases = run(79, 1_150, 2, 1_500, 44).subList(1, 4);

        assertThat(Targets.check(phases).get(1).pass()).isEqualTo(Optional.empty());
    }
}
