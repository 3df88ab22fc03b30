package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LeastSquaresTest {

    @Test
    void slopeIsTheLeastSquaresLine() {
        double[] x = {0, 1000, 2000, 3000};
        assertThat(LeastSquares.slope(x, new double[] {100, 350, 600, 850})).isEqualTo(0.25);
        assertThat(LeastSquares.slope(x, new double[] {5, 5, 5, 5})).isZero();
        assertThat(LeastSquares.slope(new double[] {1, 1}, new double[] {1, 2})).isZero(); // no spread in x
        assertThat(LeastSquares.slopeStandardError(x, new double[] {100, 350, 600, 850}))
                .isZero(); // on a line
        // residuals +1, -1, -1, +1 around slope 0.25 over x = 0, 1000, 2000, 3000: sqrt(4 / 2 / 5e6)
        assertThat(LeastSquares.slopeStandardError(x, new double[] {101, 349, 599, 851}))
                .isCloseTo(Math.sqrt(4.0 / 2 / 5e6), Offset.offset(1e-12));
        assertThat(LeastSquares.slopeStandardError(new double[] {1, 1, 1}, new double[] {1, 2, 3}))
                .isNaN();
    }

    @Test
    void largeXKeepsItsPrecision() {
        // epoch millis: summing raw squares would lose the 1-per-second slope in rounding
        double t0 = 1.8e12;
        double[] x = {t0, t0 + 1000, t0 + 2000, t0 + 3000, t0 + 4000};
        double[] y = {10, 11, 12, 13, 14};
        assertThat(LeastSquares.slope(x, y)).isCloseTo(0.001, Offset.offset(1e-12));
    }

    @Test
    void fewerThanTwoPointsHaveNoSlopeAndMismatchedSeriesAreRefused() {
        assertThat(LeastSquares.slope(new double[] {1}, new double[] {1})).isZero();
        assertThat(LeastSquares.slope(new double[0], new double[0])).isZero();
        assertThatThrownBy(() -> LeastSquares.slope(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
