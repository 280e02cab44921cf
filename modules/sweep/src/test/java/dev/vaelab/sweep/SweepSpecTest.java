package dev.vaelab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sweep section: validation with file and line, grid order, random draws in their bounds. */
class SweepSpecTest {
    private static SweepSpec spec(String sweep) {
        return SweepSpec.of(ConfigLoader.parse("name: x\nsweep:\n" + sweep, "s.yaml"));
    }

    private static List<String> column(List<Assignment> runs, String key) {
        return runs.stream().map(a -> a.texts().get(key)).toList();
    }

    @Test
    void gridIsTheCartesianProductWithTheFirstParameterSlowest() {
        SweepSpec spec = spec("""
                  parameters:
                    beta.end: [1, 4, 16]
                    model.latent_dim: {values: [2, 10]}
                    model.encoder.hidden: [[400], [400, 200]]
                    seed: {value: 7}
                """);
        List<Assignment> runs = SweepExpander.expand(spec);
        assertEquals(12, runs.size());
        assertEquals(List.of("1", "1", "1", "1", "4", "4", "4", "4", "16", "16", "16", "16"), column(runs, "beta.end"));
        assertEquals(List.of("2", "2", "10", "10"), column(runs, "model.latent_dim").subList(0, 4));
        assertEquals(List.of("[400]", "[400, 200]"), column(runs, "model.encoder.hidden").subList(0, 2));
        assertEquals(Set.of("7"), new HashSet<>(column(runs, "seed")));
        assertEquals("beta.end=1 model.latent_dim=2 model.encoder.hidden=[400] seed=7", runs.get(0).label());
        assertEquals(SweepMetric.DEFAULT, spec.metric());
        assertEquals(1, spec.parallel());
    }

    @Test
    void eachKnownLauncherMayHaveASectionAndOtherKeysAreErrorsThatListThem() {
        var root = ConfigLoader.parse("name: x\nsweep:\n  launcher: slurm\n  slurm: {partition: gpu}\n", "s.yaml");
        SweepSpec spec = SweepSpec.of(root, Set.of("local", "slurm"));
        assertEquals("gpu", spec.launcherSection("slurm").orElseThrow().string("partition"));
        assertTrue(spec.launcherSection("local").isEmpty());
        var plugin = ConfigLoader.parse("name: x\nsweep:\n  kubernetes: {namespace: ml}\n", "s.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> SweepSpec.of(plugin, Set.of("local", "slurm")));
        assertEquals("s.yaml:3:3: unknown key 'kubernetes' in 'sweep'; allowed keys: launcher, local, method, metric, "
                + "parallel, parameters, run_cap, seed, slurm", e.getMessage());
        assertEquals("ml", SweepSpec.of(plugin, Set.of("kubernetes")).launcherSection("kubernetes").orElseThrow()
                .string("namespace"), "a plugin launcher's name is a key of its own");
    }

    @Test
    void gridRunCapKeepsTheFirstRuns() {
        assertEquals(2, SweepExpander.expand(spec("  run_cap: 2\n  parameters: {seed: [0, 1, 2]}\n")).size());
    }

    @Test
    void noParametersIsASweepOfOne() {
        assertEquals(List.of(new Assignment(Map.of())), SweepExpander.expand(spec("  parallel: 2\n")));
        assertEquals(1, SweepExpander.expand(SweepSpec.of(ConfigLoader.parse("name: x\n", "s.yaml"))).size());
    }

    @Test
    void randomDrawsStayInTheirBoundsAndRepeatWithTheSeed() {
        String sweep = """
                  method: random
                  run_cap: 200
                  seed: 3
                  parameters:
                    a: {distribution: uniform, min: -1, max: 2}
                    lr: {distribution: log_uniform, min: 1.0e-4, max: 1.0e-2}
                    n: {distribution: int_uniform, min: 2, max: 5}
                    z: {distribution: normal, mu: 10, sigma: 0.5}
                    act: [relu, tanh]
                """;
        List<Assignment> runs = SweepExpander.expand(spec(sweep));
        assertEquals(200, runs.size());
        Set<String> ints = new HashSet<>();
        double zSum = 0;
        int below1e3 = 0;
        for (Assignment a : runs) {
            double x = Double.parseDouble(a.texts().get("a"));
            assertTrue(x >= -1 && x < 2, "uniform " + x);
            double lr = Double.parseDouble(a.texts().get("lr"));
            assertTrue(lr >= 1e-4 && lr <= 1e-2, "log_uniform " + lr);
            below1e3 += lr < 1e-3 ? 1 : 0;
            ints.add(a.texts().get("n"));
            zSum += Double.parseDouble(a.texts().get("z"));
            assertTrue(Set.of("relu", "tanh").contains(a.texts().get("act")));
        }
        assertEquals(Set.of("2", "3", "4", "5"), ints, "int_uniform covers its bounds, both included");
        assertEquals(10, zSum / runs.size(), 0.15);
        // log-uniform puts half the mass below the geometric middle 1e-3
        assertTrue(below1e3 > 70 && below1e3 < 130, "log_uniform below 1e-3: " + below1e3);
        assertEquals(runs, SweepExpander.expand(spec(sweep)), "the same seed draws the same runs");
        assertNotEquals(runs, SweepExpander.expand(spec(sweep.replace("seed: 3", "seed: 4"))));
    }

    @Test
    void aDrawDependsOnlyOnItsOwnParameter() {
        String one = "  method: random\n  run_cap: 5\n  parameters:\n    lr: {distribution: uniform, min: 0, max: 1}\n";
        String two = one + "    other: {distribution: uniform, min: 0, max: 1}\n";
        assertEquals(column(SweepExpander.expand(spec(one)), "lr"), column(SweepExpander.expand(spec(two)), "lr"));
    }

    @Test
    void errorsNameTheFileLineAndWhatWouldBeAccepted() {
        assertEquals("s.yaml:4:24: sweep parameter 'lr': a distribution needs 'method: random'; grid search "
                        + "enumerates lists of values",
                assertThrows(ConfigException.class, () -> spec("  parameters:\n    lr: {distribution: uniform, min: 0, max: 1}\n"))
                        .getMessage());
        assertEquals("s.yaml:3:3: missing required key 'run_cap' in 'sweep'",
                assertThrows(ConfigException.class, () -> spec("  method: random\n")).getMessage());
        assertEquals("s.yaml:3:11: 'method' in 'sweep' must be one of grid, random, got 'gird' (did you mean 'grid'?)",
                assertThrows(ConfigException.class, () -> spec("  method: gird\n")).getMessage());
        assertStarts("s.yaml:4:12: unknown key 'vlaues' in 'sweep.parameters.seed'; allowed keys: distribution, value, "
                + "values (did you mean 'values'?)", error("  parameters:\n    seed: {vlaues: [1]}\n"));
        assertEquals("s.yaml:4:11: sweep parameter 'seed' has no values", error("  parameters:\n    seed: []\n"));
        assertStarts("s.yaml:4:11: sweep parameter 'seed' must be a list of values", error("  parameters:\n    seed: 3\n"));
        assertStarts("s.yaml:4:5: sweep parameter 'name' cannot be swept", error("  parameters:\n    name: [a, b]\n"));
        assertStarts("s.yaml:4:5: sweep parameter 'sweep.parallel' cannot change the sweep",
                error("  parameters:\n    sweep.parallel: [1, 2]\n"));
        assertEquals("s.yaml:6:42: 'min' in 'sweep.parameters.lr' must be greater than 0 for log_uniform, got 0.0 (min "
                        + "and max are the values themselves, not their logarithms)",
                assertThrows(ConfigException.class, () -> spec("  method: random\n  run_cap: 1\n  parameters:\n"
                        + "    lr: {distribution: log_uniform, min: 0, max: 1}\n")).getMessage());
        assertEquals("s.yaml:3:37: 'goal' in 'sweep.metric' must be one of maximize, minimize, got 'maximise' (did you mean "
                        + "'maximize'?)",
                assertThrows(ConfigException.class, () -> spec("  metric: {name: test/nll_iw, goal: maximise}\n"))
                        .getMessage());
        assertEquals("s.yaml:3:11: missing required key 'goal' in 'sweep.metric'",
                assertThrows(ConfigException.class, () -> spec("  metric: {name: test/nll_iw}\n")).getMessage());
    }

    private static String error(String sweep) {
        return assertThrows(ConfigException.class, () -> spec(sweep)).getMessage();
    }

    private static void assertStarts(String prefix, String actual) {
        assertEquals(prefix, actual.substring(0, Math.min(prefix.length(), actual.length())));
    }

    @Test
    void metricRanksBestFirstWithMissingValuesLast() {
        List<Double> values = new java.util.ArrayList<>(java.util.Arrays.asList(-100.0, null, -90.0, Double.NaN, -95.0));
        values.sort(new SweepMetric("test/elbo", true).bestFirst());
        assertEquals(List.of(-90.0, -95.0, -100.0), values.subList(0, 3));
        values.sort(new SweepMetric("test/nll_iw", false).bestFirst());
        assertEquals(List.of(-100.0, -95.0, -90.0), values.subList(0, 3));
        assertTrue(values.get(3) == null || values.get(3).isNaN());
    }
}
