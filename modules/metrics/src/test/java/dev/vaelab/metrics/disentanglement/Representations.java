package dev.vaelab.metrics.disentanglement;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/** Constructed factors and codes with known disentanglement. */
final class Representations {
    private Representations() {
    }

    /** {@code [n][F]} independent uniform classes, factor {@code k} with {@code classes[k]} values. */
    static int[][] factors(int n, int[] classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] out = new int[n][classes.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < classes.length; k++) {
                out[i][k] = random.nextInt(classes[k]);
            }
        }
        return out;
    }

    static List<String> names(int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(k -> "factor" + k).toList();
    }

    /** The factors themselves as the code, latent {@code k} = class of factor {@code k}. */
    static double[][] identity(int[][] factors) {
        return transformed(factors, v -> v);
    }

    /** Latent {@code k} = {@code f(class of factor k)}. */
    static double[][] transformed(int[][] factors, DoubleUnaryOperator f) {
        double[][] out = new double[factors.length][factors[0].length];
        for (int i = 0; i < factors.length; i++) {
            for (int k = 0; k < factors[i].length; k++) {
                out[i][k] = f.applyAsDouble(factors[i][k]);
            }
        }
        return out;
    }

    /** Latent {@code j} = latent {@code permutation[j]} of {@code code}. */
    static double[][] permuted(double[][] code, int[] permutation) {
        double[][] out = new double[code.length][permutation.length];
        for (int i = 0; i < code.length; i++) {
            for (int j = 0; j < permutation.length; j++) {
                out[i][j] = code[i][permutation[j]];
            }
        }
        return out;
    }

    /** {@code code} followed by {@code extra} standard normal latents unrelated to anything. */
    static double[][] withNoiseDims(double[][] code, int extra, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] out = new double[code.length][];
        for (int i = 0; i < code.length; i++) {
            out[i] = java.util.Arrays.copyOf(code[i], code[i].length + extra);
            for (int j = code[i].length; j < out[i].length; j++) {
                out[i][j] = random.nextGaussian();
            }
        }
        return out;
    }

    /** {@code [n][dims]} standard normal latents independent of the factors. */
    static double[][] random(int n, int dims, long seed) {
        return withNoiseDims(new double[n][0], dims, seed);
    }

    /** The identity code with latents 0 and 1 rotated by 45 degrees: each carries half of both factors. */
    static double[][] rotatedPair(int[][] factors) {
        double[][] out = identity(factors);
        for (double[] row : out) {
            double a = row[0];
            double b = row[1];
            row[0] = a + b;
            row[1] = a - b;
        }
        return out;
    }
}
