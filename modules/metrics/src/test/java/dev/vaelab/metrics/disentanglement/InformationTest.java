package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InformationTest {
    @Test
    void entropyOfASkewedCoin() {
        // three 0s and one 1: -(3/4 ln 3/4 + 1/4 ln 1/4)
        double expected = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertEquals(expected, Information.entropy(new int[] {0, 0, 0, 1}, 2), 1e-15);
        assertEquals(Math.log(3), Information.entropy(new int[] {2, 0, 1, 1, 2, 0}, 3), 1e-15);
        assertEquals(0, Information.entropy(new int[] {1, 1, 1}, 2), 0);
    }

    @Test
    void mutualInformationOfTinyTables() {
        int[] y = {0, 0, 0, 0, 1, 1, 1, 1};
        assertEquals(Math.log(2), Information.mutualInformation(y, 2, y, 2), 1e-15, "a copy shares all of H(y)");
        assertEquals(0, Information.mutualInformation(new int[] {0, 1, 0, 1, 0, 1, 0, 1}, 2, y, 2), 1e-15,
                "a balanced independent variable shares nothing");
        // joint counts [[3, 1], [1, 3]] over 8 points, marginals 1/2: 2 (3/8) ln(3/2) + 2 (1/8) ln(1/2)
        int[] x = {0, 0, 0, 1, 0, 1, 1, 1};
        double expected = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
        assertEquals(expected, Information.mutualInformation(x, 2, y, 2), 1e-15);
        assertEquals(expected, Information.mutualInformation(y, 2, x, 2), 1e-15, "symmetric");
    }

    @Test
    void mutualInformationWithAFinerVariableIsTheCoarserEntropy() {
        // x determines y (y = x / 2): I(x; y) = H(y)
        int[] x = {0, 1, 2, 3, 0, 1, 2, 3, 3};
        int[] y = {0, 0, 1, 1, 0, 0, 1, 1, 1};
        assertEquals(Information.entropy(y, 2), Information.mutualInformation(x, 4, y, 2), 1e-15);
    }
}
