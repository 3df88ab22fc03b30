package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PhaseSummaryTest {
    private static final long MS = 1_000_000;
    private static final long START = 5_000 * MS;

    private static PhaseRecorder recorder() {
        Phase phase = new Phase("2x", 2, Duration.ofSeconds(10), Phase.Kind.LOAD);
        return new PhaseRecorder(phase, Schedule.of(START, 16, phase.length())); // 160 requests
    }

    @Test
    void goodputIsCompletedAnswersPerPhaseSecondAndItsShareOfCapacity() {
        PhaseRecorder r = recorder();
        for (int i = 0; i < 78; i++) {
            long due = r.schedule.intendedNanos(i);
            r.record(due, due, CallResult.completed(due + 50 * MS, due + 1_000 * MS));
        }
        for (int i = 78; i < 158; i++) {
            long due = r.schedule.intendedNanos(i);
            r.record(due, due, CallResult.shed(due + 2 * MS, false));
        }
        r.overflow();
        r.record(0, 0, CallResult.error(0, "HTTP 502"));

        PhaseSummary s = PhaseSummary.of(r, 8, OptionalDouble.of(40.5));

        assertThat(s.sent()).isEqualTo(160);
        assertThat(s.goodputPerSecond()).isCloseTo(7.8, within(1e-9));
        assertThat(s.goodputOfCapacity()).isCloseTo(0.975, within(1e-9));
        assertThat(s.completed()).isEqualTo(78);
        assertThat(s.shed()).isEqualTo(80);
        assertThat(s.clientOverflow()).isEqualTo(1);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.errorKinds()).containsEntry("HTTP 502", 1L);
        assertThat(s.heapFloorMiB()).hasValue(40.5);
    }

    @Test
    void latencyCountsFromTheIntendedSendTimeNotTheActualOne() {
        PhaseRecorder r = recorder();
        long due = r.schedule.intendedNanos(0);
        long sentLate = due + 300 * MS; // the client (or a stalled server) delayed the send
        r.record(due, sentLate, CallResult.completed(sentLate + 20 * MS, sentLate + 1_000 * MS));

        PhaseSummary s = PhaseSummary.of(r, 8, OptionalDouble.empty());

        assertThat(s.endToEnd().p99Ms()).isCloseTo(1_300, within(2.0));
        assertThat(s.firstEvent().p99Ms()).isCloseTo(320, within(1.0));
        assertThat(s.sendLag().maxMs()).isCloseTo(300, within(1.0));
    }

    @Test
    void percentilesSplitAdmittedAndShedAnswers() {
        PhaseRecorder r = recorder();
        for (int i = 0; i < 100; i++) {
            long due = r.schedule.intendedNanos(i);
            long e2e = (i < 99 ? 1_000 : 2_000) * MS;
            r.record(due, due, CallResult.completed(due + 10 * MS, due + e2e));
        }
        for (int i = 100; i < 160; i++) {
            long due = r.schedule.intendedNanos(i);
            r.record(due, due, CallResult.shed(due + (i == 159 ? 40 : 3) * MS, true));
        }

        PhaseSummary s = PhaseSummary.of(r, 8, OptionalDouble.empty());

        assertThat(s.endToEnd().count()).isEqualTo(100);
        assertThat(s.endToEnd().p50Ms()).isCloseTo(1_000, within(1.0));
        assertThat(s.endToEnd().p99Ms()).isCloseTo(1_000, within(1.0));
        assertThat(s.endToEnd().maxMs()).isCloseTo(2_000, within(2.0));
        assertThat(s.shedAnswer().count()).isEqualTo(60);
        assertThat(s.shedAnswer().p99Ms()).isCloseTo(40, within(0.1));
        assertThat(s.shedAnswer().p50Ms()).isCloseTo(3, within(0.01));
        assertThat(s.shedByUpstream()).isEqualTo(60);
    }

    @Test
    void lastShedIsMeasuredFromThePhaseStartAndRequestsThatNeverEndedCountAsErrors() {
        PhaseRecorder r = recorder();
        long due = r.schedule.intendedNanos(3);
        r.record(due, due, CallResult.shed(START + 1_250 * MS, false));
        r.record(due, due, CallResult.shed(START + 400 * MS, false));

        PhaseSummary s = PhaseSummary.of(r, 8, OptionalDouble.empty());

        assertThat(s.lastShedAfter()).hasValue(1.25);
        assertThat(s.errors()).isEqualTo(158); // 160 due, 2 shed, none reported for the rest
        assertThat(PhaseSummary.of(recorder(), 8, OptionalDouble.empty()).lastShedAfter())
                .isEmpty();
    }

    @Test
    void anEmptyHistogramReportsZeros() {
        PhaseSummary s = PhaseSummary.of(recorder(), 8, OptionalDouble.empty());

        assertThat(s.endToEnd()).isEqualTo(new PhaseSummary.Latency(0, 0, 0, 0));
        assertThat(s.goodputPerSecond()).isZero();
    }
}
