package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void ceilingDoublesPerConsecutiveFailureUpToTheCap() {
        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceiling(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void hugeFailureCountsStayAtTheCapWithoutOverflow() {
        Backoff wide = new Backoff(Duration.ofNanos(3), Duration.ofDays(365));
        assertThat(wide.ceiling(63)).isEqualTo(Duration.ofDays(365));
        assertThat(wide.ceiling(64)).isEqualTo(Duration.ofDays(365));
        assertThat(wide.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void jitterScalesBetweenHalfAndFullCeiling() {
        RandomGenerator random = new SplittableRandom(42);
        for (int n = 1; n <= 8; n++) {
            Duration ceiling = backoff.ceiling(n);
            for (int i = 0; i < 1_000; i++) {
                Duration d = backoff.delay(n, random);
                assertThat(d).isGreaterThanOrEqualTo(ceiling.dividedBy(2)).isLessThanOrEqualTo(ceiling);
            }
        }
        RandomGenerator lowest = () -> 0L;
        assertThat(backoff.delay(2, lowest)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void invalidBackoffsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT1S");
        assertThatThrownBy(() -> backoff.ceiling(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
