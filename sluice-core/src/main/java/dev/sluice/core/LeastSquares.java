package dev.sluice.core;

/**
 * Least-squares line fits of y over x: the slope and its standard error. Sums are taken about the
 * means, with x first made relative to its first value, so large x (epoch millis, request counts in
 * the millions) keep their precision.
 */
public final class LeastSquares {

    private LeastSquares() {}

    /** The slope of the least-squares line; 0 with fewer than 2 points or no spread in x. */
    public static double slope(double[] x, double[] y) {
        Sums s = sums(x, y);
        return s.sxx == 0 ? 0 : s.sxy / s.sxx;
    }

    /** The standard error of that slope; NaN with fewer than 3 points or no spread in x. */
    public static double slopeStandardError(double[] x, double[] y) {
        Sums s = sums(x, y);
        int n = x.length;
        if (n < 3 || s.sxx == 0) {
            return Double.NaN;
        }
        double b = s.sxy / s.sxx;
        double residuals = 0;
        for (int i = 0; i < n; i++) {
            double r = (y[i] - s.meanY) - b * ((x[i] - x[0]) - s.meanX);
            residuals += r * r;
        }
        return Math.sqrt(residuals / (n - 2) / s.sxx);
    }

    /** Centred sums; meanX is relative to x[0]. */
    private record Sums(double meanX, double meanY, double sxx, double sxy) {}

    private static Sums sums(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " values, y " + y.length);
        }
        int n = x.length;
        if (n < 2) {
            return new Sums(0, 0, 0, 0);
        }
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += x[i] - x[0];
            meanY += y[i];
        }
        meanX /= n;
        meanY /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            double dx = (x[i] - x[0]) - meanX;
            sxx += dx * dx;
            sxy += dx * (y[i] - meanY);
        }
        return new Sums(meanX, meanY, sxx, sxy);
    }
}
