package dev.vaelab.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.config.SourceLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentSpecTest {
    private static final String FILE = "experiments/x.yaml";
    private static final String DESIGN_FILE = "experiments/mnist-beta.yaml";

    /** The smallest valid experiment; every other key takes its default. */
    private static final String MINIMAL = """
            name: minimal
            data: {dataset: mnist}
            model: {type: vae}
            likelihood: {type: bernoulli}
            train: {epochs: 2}
            """;

    private static String designExample() throws IOException {
        try (InputStream in = ExperimentSpecTest.class.getResourceAsStream("/" + DESIGN_FILE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ExperimentSpec parse(String text) {
        return ExperimentSpec.parse(ConfigLoader.parse(text, FILE));
    }

    private static ConfigException failure(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    @Test
    void designExampleParsesToTheExpectedRecords() throws IOException {
        ExperimentSpec spec = ExperimentSpec.parse(ConfigLoader.parse(designExample(), DESIGN_FILE));
        assertEquals("mnist-beta", spec.name());
        assertEquals(0L, spec.seed());
        // the data module reads this section (DatasetRegistryTest there); core only keeps it
        assertEquals("data", spec.data().path());
        assertEquals("dynamic", spec.data().string("binarize"));
        // the run-side sections stay raw here too: their modules parse them (see train's RunSectionsTest)
        assertEquals(List.of("epochs", "batch_size", "optimizer"), List.copyOf(spec.train().keys()));
        assertEquals(List.of("experiment"), List.copyOf(spec.tracking().keys()));

        assertComponent(spec.model(), "beta-vae", "model", new SourceLocation(DESIGN_FILE, 5, 9));
        assertComponent(spec.likelihood(), "bernoulli", "likelihood", new SourceLocation(DESIGN_FILE, 9, 20));
        assertComponent(spec.beta().orElseThrow(), "linear", "beta", new SourceLocation(DESIGN_FILE, 10, 20));

        ConfigMap sweep = spec.sweep().orElseThrow();
        assertEquals(List.of("method", "parameters", "parallel"), List.copyOf(sweep.keys()));
        assertEquals(List.of(1, 4, 16), sweep.map("parameters").intList("beta.end"));

        // The model factory's part: nested components and its own keys.
        ComponentSpec encoder = spec.model().component("encoder");
        assertComponent(encoder, "mlp", "model.encoder", new SourceLocation(DESIGN_FILE, 7, 19));
        assertEquals(List.of(400), encoder.options().intList("hidden"));
        assertEquals(10, spec.model().options().positiveInt("latent_dim"));
    }

    private static void assertComponent(ComponentSpec c, String type, String path, SourceLocation typeLocation) {
        assertEquals(type, c.type());
        assertEquals(path, c.path());
        assertEquals(path, c.options().path());
        assertEquals(typeLocation, c.typeLocation());
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mnist-beta.yaml");
        Files.writeString(file, designExample());
        ExperimentSpec spec = ExperimentSpec.load(file);
        assertEquals("mnist-beta", spec.name());
        assertEquals(new SourceLocation(file.toString(), 5, 9), spec.model().typeLocation());
    }

    @Test
    void unknownTopLevelKeyListsTheAllowedKeys() {
        var e = failure(MINIMAL + "trian: {epochs: 3}\n");
        assertEquals(new SourceLocation(FILE, 6, 1), e.location());
        assertEquals("experiments/x.yaml:6:1: unknown top-level key 'trian'; allowed keys: beta, data, eval, export,"
                + " likelihood, log, model, name, objective, seed, sweep, tracking, train (did you mean 'train'?)", e.getMessage());
    }

    @Test
    void misspeltRequiredSectionReadsAsATypo() {
        var e = failure(MINIMAL.replace("train:", "trian:"));
        assertEquals("experiments/x.yaml:5:1: unknown top-level key 'trian'; allowed keys: beta, data, eval, export,"
                + " likelihood, log, model, name, objective, seed, sweep, tracking, train (did you mean 'train'?)", e.getMessage());
    }

    @Test
    void unknownKeyInAComponentFailsWhenItsFactoryFinishes() {
        ExperimentSpec spec = parse(MINIMAL.replace("model: {type: vae}", """
                model:
                  type: vae
                  latnt_dim: 10
                """));
        ConfigMap model = spec.model().options();
        model.integer("latent_dim", 16);
        model.optionalMap("encoder");
        model.optionalMap("decoder");
        var e = assertThrows(ConfigException.class, model::finish);
        assertEquals("experiments/x.yaml:5:3: unknown key 'latnt_dim' in 'model'; allowed keys: decoder, encoder,"
                + " latent_dim, type (did you mean 'latent_dim'?)", e.getMessage());
    }

    @Test
    void wrongScalarTypeIsReportedAtTheValue() {
        var seed = failure(MINIMAL + "seed: abc\n");
        assertEquals("experiments/x.yaml:6:7: 'seed' must be an integer, got 'abc'", seed.getMessage());
        var section = failure(MINIMAL + "eval: 1000\n");
        assertEquals("experiments/x.yaml:6:7: 'eval' must be a map, got '1000'", section.getMessage());
    }

    @Test
    void missingRequiredKeysAreNamed() {
        var name = failure(MINIMAL.replace("name: minimal\n", ""));
        assertEquals("experiments/x.yaml:1:1: missing required top-level key 'name'", name.getMessage());
        var type = failure(MINIMAL.replace("{type: bernoulli}", "{kind: bernoulli}"));
        assertEquals("experiments/x.yaml:4:13: missing required key 'type' in 'likelihood'", type.getMessage());
    }

    @Test
    void nameMustBeUsableAsADirectory() {
        var e = failure(MINIMAL.replace("name: minimal", "name: ../up"));
        assertEquals("experiments/x.yaml:1:7: 'name' must be letters, digits, '-', '_' and '.' (it names a"
                + " directory), got '../up'", e.getMessage());
        assertEquals("a.b_c-1", parse(MINIMAL.replace("name: minimal", "name: a.b_c-1")).name());
        assertThrows(ConfigException.class, () -> parse(MINIMAL.replace("name: minimal", "name: '..'")));
    }

    @Test
    void duplicateKeyNamesBothLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("dup.yaml");
        Files.writeString(file, MINIMAL + "seed: 1\nseed: 2\n");
        var e = assertThrows(ConfigException.class, () -> ExperimentSpec.load(file));
        assertEquals(new SourceLocation(file.toString(), 7, 1), e.location());
        assertEquals(file + ":7:1: duplicate key 'seed': first defined at line 6, again at line 7", e.getMessage());
    }

    @Test
    void yamlSyntaxErrorIsLocated() {
        var e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(MINIMAL + "log: {every_steps: 10\n", FILE));
        assertEquals(new SourceLocation(FILE, 7, 1), e.location());
        assertTrue(e.getMessage().startsWith("experiments/x.yaml:7:1: YAML syntax error: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(while parsing a flow mapping at experiments/x.yaml:6:6)"),
                e.getMessage());
    }

    @Test
    void unknownTypeIsReportedAtTheTypeValue() {
        ExperimentSpec spec = parse(MINIMAL.replace("{type: bernoulli}", "{type: bernouli}"));
        ConfigException e = spec.likelihood().unknownType(Set.of("gaussian", "bernoulli"));
        assertEquals(new SourceLocation(FILE, 4, 20), e.location());
        assertEquals("experiments/x.yaml:4:20: unknown likelihood type 'bernouli'; known types: bernoulli, gaussian"
                + " (did you mean 'bernoulli'?)", e.getMessage());

        ExperimentSpec withEncoder = parse(MINIMAL.replace("{type: vae}", "{type: vae, encoder: {type: mpl}}"));
        assertEquals("experiments/x.yaml:3:36: unknown encoder type 'mpl'; known types: conv, mlp"
                + " (did you mean 'mlp'?)",
                withEncoder.model().component("encoder").unknownType(List.of("mlp", "conv")).getMessage());
    }

    @Test
    void absentSectionsTakeTheirDefaults() {
        ExperimentSpec spec = parse(MINIMAL);
        assertEquals(0L, spec.seed());
        assertEquals(List.of(), List.copyOf(spec.eval().keys()));
        assertEquals(Optional.empty(), spec.sweep());
        assertEquals("constant", spec.beta().orElseThrow().type());
    }

    @Test
    void designExampleResolvedRoundTrips() throws IOException {
        ExperimentSpec spec = ExperimentSpec.parse(ConfigLoader.parse(designExample(), DESIGN_FILE));
        ConfigMap resolved = spec.root().resolved();
        assertEquals("[1, 4, 16]", resolved.flatten().get("sweep.parameters.beta.end"));
        assertEquals("[400]", resolved.flatten().get("model.encoder.hidden"));
        assertEquals("1000", resolved.flatten().get("eval.iw_samples"));
        assertEquals(null, resolved.flatten().get("eval.batch_size"), "eval's defaults are train's to apply");
        assertEquals(resolved.flatten(), ConfigLoader.parse(resolved.toYaml(), "config.yaml").flatten());
    }

    @Test
    void sweepMustBeAMap() {
        var e = failure(MINIMAL + "sweep: [1, 2]\n");
        assertEquals("experiments/x.yaml:6:8: 'sweep' must be a map, got a list", e.getMessage());
    }

    @Test
    void overridesAreValidatedLikeTheFile() {
        SourceLocation origin = new SourceLocation("experiments/sweep.yaml", 4, 5);
        ConfigMap base = ConfigLoader.parse(MINIMAL, FILE);
        ExperimentSpec spec = ExperimentSpec.parse(base.withOverride("train.epochs", "7", origin)
                .withOverride("data.binarize", "static", origin));
        assertEquals(7, spec.train().positiveInt("epochs"));
        assertEquals("static", spec.data().string("binarize"));

        var wrongType = assertThrows(ConfigException.class,
                () -> ExperimentSpec.parse(base.withOverride("seed", "[0, 1]", origin)));
        assertEquals("experiments/sweep.yaml:4:5: 'seed' must be an integer, got a list", wrongType.getMessage());
    }

    @Test
    void anObjectiveSectionIsForItsFactoryAndReplacesTheTopLevelBeta() {
        ExperimentSpec spec = parse(MINIMAL + "objective: {type: beta-tcvae, beta: 6}\n");
        assertComponent(spec.objective().orElseThrow(), "beta-tcvae", "objective", new SourceLocation(FILE, 6, 19));
        assertEquals(Optional.empty(), spec.beta(), "no default β is recorded beside an objective");
        assertEquals(Optional.empty(), parse(MINIMAL).objective());

        ConfigException both = failure(MINIMAL + "objective: {type: beta-vae, beta: 4}\nbeta: {type: constant, value: 4}\n");
        assertTrue(both.getMessage().startsWith(FILE + ":7:") && both.getMessage().contains("objective.beta"),
                both.getMessage());
    }
}
