package dev.vaelab.metrics.disentanglement;

/** Sample statistics shared by the metrics. */
final class Statistics {
    private Statistics() {
    }

    /** Unbiased variance ({@code ddof=1}, as the reference's {@code np.var(..., ddof=1)}). */
    static double variance(double[] x) {
        return variance(x, x.length);
    }

    /** Unbiased variance of {@code x[0 .. n)}, two-pass for accuracy. */
    static double variance(double[] x, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += x[i];
        }
        mean /= n;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = x[i] - mean;
            sum += e * e;
        }
        return sum / (n - 1);
    }
}
