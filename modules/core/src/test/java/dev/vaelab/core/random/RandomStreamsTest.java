package dev.vaelab.core.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomStreamsTest {
    private static final int N = 1_000_000;

    @Test
    void theSameSeedAndPurposeGiveTheSameNumbersAndOtherPurposesDiffer() {
        float[] a = new float[1000];
        float[] b = new float[1000];
        float[] c = new float[1000];
        RandomStreams.fillGaussian(new RandomStreams(7).stream("noise", 3), a);
        RandomStreams.fillGaussian(new RandomStreams(7).stream("noise", 3), b);
        RandomStreams.fillGaussian(new RandomStreams(7).stream("noise", 4), c);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        RandomStreams.fillGaussian(new RandomStreams(7).stream("eval-noise", 3), c);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void gaussianDrawsHaveTheStandardNormalsMomentsAndQuantiles() {
        float[] z = new float[N];
        RandomStreams.fillGaussian(new RandomStreams(1).stream("noise"), z);
        double sum = 0;
        double sumSq = 0;
        double sum4 = 0;
        for (float v : z) {
            sum += v;
            sumSq += (double) v * v;
            sum4 += (double) v * v * v * v;
        }
        double mean = sum / N;
        double variance = sumSq / N - mean * mean;
        // 5 standard errors: sd(mean) = 1/sqrt(N), sd(variance) = sqrt(2/N), sd(4th moment) = sqrt(96/N)
        assertEquals(0, mean, 5 / Math.sqrt(N));
        assertEquals(1, variance, 5 * Math.sqrt(2.0 / N));
        assertEquals(3, sum4 / N, 5 * Math.sqrt(96.0 / N));
        // the normal CDF at its tabulated quantiles; a count's standard error is sqrt(p(1-p)/N)
        double[][] quantiles = {{-2.326348, 0.01}, {-1.644854, 0.05}, {-0.674490, 0.25}, {0, 0.5},
                {0.674490, 0.75}, {1.281552, 0.9}, {2.575829, 0.995}};
        for (double[] q : quantiles) {
            long below = 0;
            for (float v : z) {
                if (v < q[0]) {
                    below++;
                }
            }
            double p = q[1];
            assertEquals(p, below / (double) N, 5 * Math.sqrt(p * (1 - p) / N), "P(z < " + q[0] + ")");
        }
    }

    @Test
    void permutationsAndSamplesAreUniformDistinctAndSeeded() {
        int[] p = RandomStreams.permutation(1000, new java.util.SplittableRandom(5));
        assertEquals(1000, Arrays.stream(p).distinct().count());
        assertArrayEquals(p, RandomStreams.permutation(1000, new java.util.SplittableRandom(5)));
        int[] s = RandomStreams.sample(1000, 100, new java.util.SplittableRandom(5));
        assertEquals(100, Arrays.stream(s).distinct().count());
        assertTrue(Arrays.stream(s).allMatch(i -> i >= 0 && i < 1000));
        // each of 10 positions of a 10-permutation, and each index of a 3-of-10 sample, equally likely:
        // 20,000 draws, expected 2,000 (permutation) and 6,000 (sample) per cell, sd about 42 and 65
        int[][] positions = new int[10][10];
        int[] picked = new int[10];
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        for (int draw = 0; draw < 20_000; draw++) {
            int[] q = RandomStreams.permutation(10, random);
            for (int at = 0; at < 10; at++) {
                positions[q[at]][at]++;
            }
            for (int i : RandomStreams.sample(10, 3, random)) {
                picked[i]++;
            }
        }
        for (int v = 0; v < 10; v++) {
            for (int at = 0; at < 10; at++) {
                assertTrue(Math.abs(positions[v][at] - 2000) < 250, "value " + v + " at " + at + ": " + positions[v][at]);
            }
            assertTrue(Math.abs(picked[v] - 6000) < 400, "index " + v + ": " + picked[v]);
        }
        assertThrows(IllegalArgumentException.class, () -> RandomStreams.sample(3, 4, random));
    }
}
