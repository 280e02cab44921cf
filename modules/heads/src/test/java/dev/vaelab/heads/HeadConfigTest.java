package dev.vaelab.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.spec.ComponentSpec;
import org.junit.jupiter.api.Test;

/** The heads' YAML: what each form means, and contradictions failing at the offending line. */
class HeadConfigTest {
    private static ConfigMap root;

    private static LikelihoodHead head(HeadFactory factory, String yaml) {
        root = ConfigLoader.parse("name: x\nlikelihood: " + yaml + "\n", "h.yaml");
        return factory.create(ComponentSpec.read(root, "likelihood"));
    }

    private static ConfigException error(HeadFactory factory, String yaml) {
        return assertThrows(ConfigException.class, () -> head(factory, yaml));
    }

    @Test
    void aSigmaAloneMeansAFixedScale() {
        GaussianHead g = (GaussianHead) head(new GaussianHead.Factory(), "{type: gaussian, sigma: 0.1}");
        assertEquals(new Scale(Scale.Mode.FIXED, 0.1, Double.NaN), g.scale());
        assertEquals(1, g.outputsPerPixel());
        assertTrue(root.resolved().toYaml().contains("scale: fixed"), "the implied mode is recorded: " + root.resolved().toYaml());
    }

    @Test
    void learnedIsTheDefaultAndEachModeHasItsDecoderWidth() {
        GaussianHead g = (GaussianHead) head(new GaussianHead.Factory(), "{type: gaussian}");
        assertEquals(new Scale(Scale.Mode.LEARNED, Double.NaN, Scale.DEFAULT_MIN), g.scale());
        assertEquals(Scale.Mode.LEARNED_PER_PIXEL,
                ((GaussianHead) head(new GaussianHead.Factory(), "{type: gaussian, scale: learned_per_pixel}")).scale().mode());
        LaplaceHead l = (LaplaceHead) head(new LaplaceHead.Factory(), "{type: laplace, scale: predicted, min_scale: 0.01}");
        assertEquals(new Scale(Scale.Mode.PREDICTED, Double.NaN, 0.01), l.scale());
        assertEquals(2, l.outputsPerPixel());
        assertEquals(new Scale(Scale.Mode.FIXED, 0.2, Double.NaN),
                ((LaplaceHead) head(new LaplaceHead.Factory(), "{type: laplace, b: 0.2}")).scale());
        assertEquals(256, head(new CategoricalHead.Factory(), "{type: categorical}").outputsPerPixel());
        assertEquals(1, head(new ContinuousBernoulliHead.Factory(), "{type: continuous-bernoulli}").outputsPerPixel());
    }

    @Test
    void contradictoryOptionsFailAtTheLineOfTheOneThatDoesNotApply() {
        ConfigException e = error(new GaussianHead.Factory(), "\n  type: gaussian\n  scale: learned\n  sigma: 0.1");
        assertTrue(e.getMessage().startsWith("h.yaml:5:") && e.getMessage().contains("'sigma'")
                && e.getMessage().contains("contradicts 'scale: learned'"), e.getMessage());
        e = error(new GaussianHead.Factory(), "\n  type: gaussian\n  sigma: 0.1\n  min_scale: 0.01");
        assertTrue(e.getMessage().startsWith("h.yaml:5:") && e.getMessage().contains("'min_scale'")
                && e.getMessage().contains("fixed"), e.getMessage());
        e = error(new LaplaceHead.Factory(), "\n  type: laplace\n  scale: fixed");
        assertTrue(e.getMessage().startsWith("h.yaml:4:") && e.getMessage().contains("add 'b: <value>'"), e.getMessage());
    }

    @Test
    void badValuesAndUnknownKeysAreRejectedWithTheAllowedOnes() {
        ConfigException e = error(new GaussianHead.Factory(), "{type: gaussian, scale: learnt}");
        assertTrue(e.getMessage().contains("learned, learned_per_pixel, predicted") && e.getMessage().contains("did you mean 'learned'"),
                e.getMessage());
        e = error(new GaussianHead.Factory(), "{type: gaussian, sigma: 0}");
        assertTrue(e.getMessage().contains("greater than 0"), e.getMessage());
        e = error(new GaussianHead.Factory(), "{type: gaussian, sigma: 1.0e-9}");
        assertTrue(e.getMessage().contains("at least 1.0E-6"), e.getMessage());
        e = error(new GaussianHead.Factory(), "{type: gaussian, sigam: 0.1}");
        assertTrue(e.getMessage().contains("allowed keys: min_scale, scale, sigma, type") && e.getMessage().contains("did you mean 'sigma'"),
                e.getMessage());
        e = error(new ContinuousBernoulliHead.Factory(), "{type: continuous-bernoulli, sigma: 1}");
        assertTrue(e.getMessage().contains("unknown key 'sigma'"), e.getMessage());
    }
}
