package dev.sluice.gateway.shed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Admission;
import dev.sluice.core.Limiter;
import dev.sluice.core.Outcome;
import dev.sluice.core.Permit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Samples are driven straight into the algorithm with synthetic round-trip times: no clock, no sleep. */
class NetflixLimitAlgorithmTest {

    private static final long FAST = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long SLOW = TimeUnit.MILLISECONDS.toNanos(500);

    @Test
    void gradient2RaisesItsLimitUnderFastSteadySamples() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.gradient2(20, 10, 200);

        feed(algorithm, 100, FAST, Outcome.SUCCESS);

        assertThat(algorithm.limit()).isGreaterThan(40).isLessThanOrEqualTo(200);
    }

    @Test
    void gradient2LowersItsLimitWhenRoundTripsGrowALot() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.gradient2(20, 10, 200);
        feed(algorithm, 100, FAST, Outcome.SUCCESS);
        int before = algorithm.limit();

        feed(algorithm, 30, SLOW, Outcome.SUCCESS);

        assertThat(algorithm.limit()).isLessThan(before / 2).isGreaterThanOrEqualTo(10);
    }

    @Test
    void gradient2NeverGoesBelowItsMinimum() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.gradient2(20, 10, 200);
        feed(algorithm, 20, FAST, Outcome.SUCCESS);

        feed(algorithm, 60, SLOW * 20, Outcome.SUCCESS); // few enough that the long-term RTT has not caught up

        assertThat(algorithm.limit()).isEqualTo(10);
    }

    @Test
    void failuresAndCancellationsAreNotSampled() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.gradient2(20, 10, 200);
        feed(algorithm, 50, FAST, Outcome.SUCCESS);
        int before = algorithm.limit();

        feed(algorithm, 200, SLOW * 20, Outcome.FAILURE);
        feed(algorithm, 200, SLOW * 20, Outcome.CANCELLED);

        assertThat(algorithm.limit()).isEqualTo(before);
    }

    @Test
    void gradient2IsNotFedFastDropsThatWouldReadAsFastSuccesses() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.gradient2(20, 10, 200);
        feed(algorithm, 50, FAST, Outcome.SUCCESS);
        int before = algorithm.limit();

        feed(algorithm, 500, FAST / 10, Outcome.DROPPED);

        assertThat(algorithm.limit()).isEqualTo(before);
    }

    @Test
    void vegasBacksOffWhenRequestsAreDropped() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.vegas(50, 200);
        feed(algorithm, 5, FAST, Outcome.SUCCESS); // learns the no-load RTT
        int before = algorithm.limit();

        feed(algorithm, 10, FAST, Outcome.DROPPED);

        assertThat(algorithm.limit()).isLessThan(before);
    }

    @Test
    void vegasToleratesAZeroHoldTime() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.vegas(20, 100);

        algorithm.onSample(0, 20, Outcome.SUCCESS);

        assertThat(algorithm.limit()).isEqualTo(20);
    }

    @Test
    void limiterUsesTheAdaptedLimitForItsDecisions() {
        NetflixLimitAlgorithm algorithm = NetflixLimitAlgorithm.gradient2(20, 10, 200);
        Limiter limiter = Limiter.builder("netflix").algorithm(algorithm).build();
        feed(algorithm, 100, FAST, Outcome.SUCCESS);
        int limit = algorithm.limit();

        assertThat(limiter.limit()).isEqualTo(limit);
        Permit[] held = new Permit[limit];
        for (int i = 0; i < limit; i++) {
            held[i] = ((Admission.Granted) limiter.tryAcquire()).permit();
        }
        assertThat(limiter.tryAcquire()).isInstanceOf(Admission.Rejected.class);
        for (Permit p : held) {
            p.outcome(Outcome.CANCELLED); // not sampled: the limit stays put while we check it
            p.close();
        }
        assertThat(limiter.limit()).isEqualTo(limit);
        assertThat(limiter.leaks()).isEmpty();
    }

    @Test
    void badBoundsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> NetflixLimitAlgorithm.gradient2(5, 10, 200)).hasMessageContaining("got 5");
        assertThatThrownBy(() -> NetflixLimitAlgorithm.gradient2(20, 0, 200)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> NetflixLimitAlgorithm.vegas(20, 10)).hasMessageContaining("got 10");
    }

    /** {@code n} samples, each reporting the current limit in flight, so the limit is never app-limited. */
    private static void feed(NetflixLimitAlgorithm algorithm, int n, long rttNanos, Outcome outcome) {
        for (int i = 0; i < n; i++) {
            algorithm.onSample(rttNanos, algorithm.limit(), outcome);
        }
    }
}
