package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class HistogramDiscretizerTest {
    @Test
    void equalWidthBinsWithTheMaximumInTheLastBin() {
        // numpy: np.digitize(x, np.histogram(x, 4)[1][:-1]) - 1 for x = [0, 0.9, 1, 2.5, 3.99, 4] gives [0, 0, 1, 2, 3, 3]
        double[] x = {0, 0.9, 1, 2.5, 3.99, 4};
        assertArrayEquals(new int[] {0, 0, 1, 2, 3, 3}, new HistogramDiscretizer(4).discretize(x));
    }

    @Test
    void integersUpToTwentyEachGetTheirOwnBin() {
        double[] x = new double[21];
        int[] expected = new int[21];
        for (int i = 0; i <= 20; i++) {
            x[i] = i;
            expected[i] = Math.min(i, 19);
        }
        assertArrayEquals(expected, new HistogramDiscretizer(20).discretize(x));
    }

    @Test
    void aConstantLatentFallsInOneBin() {
        int[] bins = new HistogramDiscretizer(20).discretize(new double[] {3, 3, 3});
        assertArrayEquals(new int[] {bins[0], bins[0], bins[0]}, bins);
    }
}
