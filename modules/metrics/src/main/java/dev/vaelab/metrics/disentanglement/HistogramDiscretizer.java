package dev.vaelab.metrics.disentanglement;

/**
 * Equal-width binning of one latent over its sample range, as disentanglement_lib's
 * {@code _histogram_discretize}: {@code np.digitize(x, np.histogram(x, bins)[1][:-1])}. Bin
 * {@code b} (0-based here) holds the values with {@code edge[b] <= x < edge[b + 1]}, and the maximum
 * falls in the last bin. A constant latent falls in one bin.
 */
final class HistogramDiscretizer {
    /** The published MIG setting ({@code discretizer.num_bins = 20}). */
    static final int DEFAULT_BINS = 20;

    private final int bins;

    HistogramDiscretizer(int bins) {
        if (bins < 2) {
            throw new IllegalArgumentException("a histogram needs at least 2 bins: " + bins);
        }
        this.bins = bins;
    }

    int bins() {
        return bins;
    }

    int[] discretize(double[] x) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (min == max) {
            // numpy widens an empty range to [min - 0.5, max + 0.5]; every value lands in one bin
            min -= 0.5;
            max += 0.5;
        }
        double[] lowerEdges = new double[bins];
        double step = (max - min) / bins;
        for (int b = 0; b < bins; b++) {
            lowerEdges[b] = min + b * step;
        }
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.max(0, upperBound(lowerEdges, x[i]) - 1);
        }
        return out;
    }

    /** How many edges are {@code <= v}: numpy's {@code digitize} with {@code right=False}. */
    private static int upperBound(double[] edges, double v) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
