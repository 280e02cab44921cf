package dev.vaelab.metrics.disentanglement;

/**
 * Entropy and mutual information of discrete variables from their joint counts, in nats, as
 * scikit-learn's {@code mutual_info_score} computes them (plug-in estimates, no bias correction).
 */
final class Information {
    private Information() {
    }

    /** {@code H(y)} of values {@code 0 .. classes - 1}. */
    static double entropy(int[] y, int classes) {
        long[] counts = new long[classes];
        for (int v : y) {
            counts[v]++;
        }
        double n = y.length;
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = c / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** {@code I(x; y)} of values {@code x in 0 .. xClasses - 1} and {@code y in 0 .. yClasses - 1}. */
    static double mutualInformation(int[] x, int xClasses, int[] y, int yClasses) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x has " + x.length + " values, y has " + y.length);
        }
        long[] joint = new long[xClasses * yClasses];
        long[] px = new long[xClasses];
        long[] py = new long[yClasses];
        for (int i = 0; i < x.length; i++) {
            joint[x[i] * yClasses + y[i]]++;
            px[x[i]]++;
            py[y[i]]++;
        }
        double n = x.length;
        double mi = 0;
        for (int a = 0; a < xClasses; a++) {
            for (int b = 0; b < yClasses; b++) {
                long c = joint[a * yClasses + b];
                if (c > 0) {
                    mi += c / n * Math.log(c * n / ((double) px[a] * py[b]));
                }
            }
        }
        // Rounding can leave an independent pair a hair below zero.
        return Math.max(mi, 0);
    }
}
