package dev.vaelab.metrics.disentanglement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same numbers as disentanglement_lib's own code (numpy, scikit-learn 1.9.1, scipy) on a fixed
 * sample of 900 points with 4 latents and 3 factors; {@code reference/reference.py} wrote the sample
 * and printed the expected values below.
 */
class ReferenceImplementationTest {
    private static final double[][] MEANS = read("means.csv").stream()
            .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
    private static final int[][] FACTORS = read("factors.csv").stream()
            .map(l -> Arrays.stream(l.split(",")).mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
    private static final FactorSample SAMPLE = FactorSample.of(MEANS, FACTORS, List.of("a", "b", "c"));

    private static List<String> read(String name) {
        var in = ReferenceImplementationTest.class.getResourceAsStream("reference/" + name);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FactorSample range(int from, int to) {
        int[] indices = new int[to - from];
        Arrays.setAll(indices, i -> from + i);
        return SAMPLE.subset(indices);
    }

    @Test
    void migAndItsMutualInformationMatchToRounding() {
        MutualInformationGap mig = new MutualInformationGap();
        double[][] expected = {
            {0.533026425540323, 0.049919336060259265, 0.07200242269595383},
            {0.029882986417489495, 0.574138992111372, 0.29179859798705043},
            {0.018334764747663844, 0.058090987052457174, 1.8148864395965856},
            {0.033655963340600954, 0.05274958988469282, 0.07352096789501869}};
        double[][] mi = mig.mutualInformation(SAMPLE);
        for (int d = 0; d < 4; d++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[d][k], mi[d][k], 1e-12, "I[" + d + "][" + k + "]");
            }
        }
        double[] entropies = mig.entropies(SAMPLE);
        assertEquals(1.0984789464444653, entropies[0], 1e-12);
        assertEquals(1.7908314068901932, entropies[1], 1e-12);
        assertEquals(2.07496624892208, entropies[2], 1e-12);
        assertEquals(0.492264355992674, mig.score(SAMPLE), 1e-12);
    }

    @Test
    void dciMatchesWithinTheReferencesOwnRunToRunSpread() {
        // scikit-learn tries the features in a random order (no random_state), so its importances move
        // by about 0.002 between runs: D 0.5247-0.5254, C 0.5435-0.5445, I 0.7589-0.7667 in four runs
        FactorSample train = range(0, 600);
        FactorSample test = range(600, 900);
        double[][] expected = {
            {0.7684803074586756, 0.048694037318595916, 0.004941238253052822},
            {0.09693145279224533, 0.6243765692821552, 0.012257899783974707},
            {0.05416185795492252, 0.2707249994744221, 0.9738051794587249},
            {0.0804263817941566, 0.056204393924826776, 0.008995682504247478}};
        double[][] columns = new double[4][];
        for (int d = 0; d < 4; d++) {
            columns[d] = train.latent(d);
        }
        SortedFeatures features = new SortedFeatures(columns);
        for (int k = 0; k < 3; k++) {
            double[] importances = GradientBoostedTrees.fit(features, train.factor(k), train.classes(k),
                    GradientBoostedTrees.Settings.SKLEARN_DEFAULTS).importances();
            for (int d = 0; d < 4; d++) {
                assertEquals(expected[d][k], importances[d], 0.01, "R[" + d + "][" + k + "]");
            }
        }
        Dci.Scores scores = new Dci().scores(train, test);
        assertEquals(0.5251734837515292, scores.disentanglement(), 0.005);
        assertEquals(0.5444869690592615, scores.completeness(), 0.005);
        assertEquals(0.7611111111111111, scores.informativeness(), 0.01);
    }
}
