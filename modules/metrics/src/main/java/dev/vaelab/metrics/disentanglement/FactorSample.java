package dev.vaelab.metrics.disentanglement;

import dev.vaelab.core.error.VaelabException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A validated sample of latent means and the ground-truth factors that generated each point.
 *
 * <p>Stored by column: {@code latent(d)} holds latent {@code d} of every point and {@code factor(k)}
 * the class of factor {@code k} of every point, renumbered densely as {@code 0 .. classes(k) - 1} in
 * the order of the original class values, so callers may pass any integer classes.
 */
public final class FactorSample {
    private final double[][] latents;
    private final int[][] factors;
    private final int[] classes;
    private final List<String> names;
    private final List<String> leftOut;

    private FactorSample(double[][] latents, int[][] factors, int[] classes, List<String> names, List<String> leftOut) {
        this.latents = latents;
        this.factors = factors;
        this.classes = classes;
        this.names = names;
        this.leftOut = leftOut;
    }

    /**
     * Checks shapes and values and copies them by column.
     *
     * @param means {@code [N][D]} latent means, finite
     * @param factorClasses {@code [N][F]} the class of each factor of each point
     * @param factorNames the {@code F} factor names, used in messages and reports
     * @throws VaelabException naming the point, latent or factor at fault, also for a factor that
     *     takes a single value
     */
    public static FactorSample of(double[][] means, int[][] factorClasses, List<String> factorNames) {
        return build(means, factorClasses, factorNames, false);
    }

    /**
     * As {@link #of}, but a factor that takes a single value in the sample (dSprites' colour, say) is
     * left out, since it carries no information, and named by {@link #leftOut()}; at least one factor
     * must vary.
     */
    public static FactorSample ofVaryingFactors(double[][] means, int[][] factorClasses, List<String> factorNames) {
        return build(means, factorClasses, factorNames, true);
    }

    private static FactorSample build(double[][] means, int[][] factorClasses, List<String> factorNames, boolean leaveOutConstant) {
        if (means == null || factorClasses == null || factorNames == null) {
            throw new IllegalArgumentException("means, factor classes and factor names are required");
        }
        int n = means.length;
        if (n < 2) {
            throw new VaelabException("disentanglement metrics need at least 2 sample points, got " + n);
        }
        if (factorClasses.length != n) {
            throw new VaelabException("disentanglement metrics: " + n + " latent means but " + factorClasses.length
                    + " rows of factor classes; give one row per point");
        }
        int dims = means[0].length;
        if (dims < 2) {
            throw new VaelabException("disentanglement metrics need at least 2 latent dimensions, got " + dims
                    + "; every metric compares the best latent with the second best");
        }
        int count = factorNames.size();
        if (count == 0) {
            throw new VaelabException("disentanglement metrics need at least one ground-truth factor; the dataset has none");
        }
        double[][] latents = new double[dims][n];
        int[][] raw = new int[count][n];
        for (int i = 0; i < n; i++) {
            if (means[i].length != dims) {
                throw new VaelabException("latent means: point " + i + " has " + means[i].length
                        + " values, point 0 has " + dims);
            }
            if (factorClasses[i].length != count) {
                throw new VaelabException("factor classes: point " + i + " has " + factorClasses[i].length
                        + " factors, but " + count + " factor names were given " + factorNames);
            }
            for (int d = 0; d < dims; d++) {
                double v = means[i][d];
                if (!Double.isFinite(v)) {
                    throw new VaelabException("latent means: point " + i + ", latent " + d + " is " + v
                            + "; the encoder produced a non-finite mean");
                }
                latents[d][i] = v;
            }
            for (int k = 0; k < count; k++) {
                raw[k][i] = factorClasses[i][k];
            }
        }
        List<int[]> factors = new ArrayList<>();
        List<Integer> classes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int[] column = dense(raw[k]);
            int distinct = Arrays.stream(column).max().getAsInt() + 1;
            if (distinct < 2 && leaveOutConstant) {
                leftOut.add(factorNames.get(k));
            } else if (distinct < 2) {
                throw new VaelabException("factor '" + factorNames.get(k) + "' takes the single value " + raw[k][0]
                        + " in all " + n + " sample points; a constant factor carries no information, leave it out");
            } else {
                factors.add(column);
                classes.add(distinct);
                names.add(factorNames.get(k));
            }
        }
        if (factors.isEmpty()) {
            throw new VaelabException("every factor " + factorNames + " takes a single value in the " + n
                    + " sample points; the disentanglement metrics need a factor that varies");
        }
        return new FactorSample(latents, factors.toArray(int[][]::new), classes.stream().mapToInt(Integer::intValue).toArray(),
                List.copyOf(names), List.copyOf(leftOut));
    }

    private static int[] dense(int[] values) {
        TreeMap<Integer, Integer> index = new TreeMap<>();
        for (int v : values) {
            index.putIfAbsent(v, 0);
        }
        int next = 0;
        for (var entry : index.entrySet()) {
            entry.setValue(next++);
        }
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = index.get(values[i]);
        }
        return out;
    }

    /** The points {@code indices} of this sample, in that order. */
    public FactorSample subset(int[] indices) {
        double[][] l = new double[latents.length][indices.length];
        int[][] f = new int[factors.length][indices.length];
        for (int j = 0; j < indices.length; j++) {
            for (int d = 0; d < latents.length; d++) {
                l[d][j] = latents[d][indices[j]];
            }
            for (int k = 0; k < factors.length; k++) {
                f[k][j] = factors[k][indices[j]];
            }
        }
        // Class numbering and counts stay those of the whole sample, so a subset may miss a class.
        return new FactorSample(l, f, classes, names, leftOut);
    }

    public int points() {
        return latents[0].length;
    }

    public int dims() {
        return latents.length;
    }

    public int factorCount() {
        return factors.length;
    }

    /** Latent {@code d} of every point; callers must not modify it. */
    public double[] latent(int d) {
        return latents[d];
    }

    /** The dense class of factor {@code k} of every point; callers must not modify it. */
    public int[] factor(int k) {
        return factors[k];
    }

    /** How many classes factor {@code k} has in the whole sample. */
    public int classes(int k) {
        return classes[k];
    }

    public String name(int k) {
        return names.get(k);
    }

    public List<String> names() {
        return names;
    }

    /** The factors left out because they take a single value (see {@link #ofVaryingFactors}). */
    public List<String> leftOut() {
        return leftOut;
    }
}
