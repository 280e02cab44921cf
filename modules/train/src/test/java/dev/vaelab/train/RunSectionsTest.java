package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.core.config.ConfigException;
import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.config.SourceLocation;
import dev.vaelab.core.spec.ExperimentSpec;
import dev.vaelab.export.ExportSpec;
import dev.vaelab.tracking.TrackingSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The run-side sections, parsed by their modules from the raw maps the file format keeps. */
class RunSectionsTest {
    private static final String FILE = "experiments/x.yaml";
    private static final String DESIGN_FILE = "experiments/mnist-beta.yaml";
    private static final String MINIMAL = """
            name: minimal
            data: {dataset: mnist}
            model: {type: vae}
            likelihood: {type: bernoulli}
            train: {epochs: 2}
            """;

    private static ExperimentSpec spec(String text, String file) {
        return ExperimentSpec.parse(ConfigLoader.parse(text, file));
    }

    private static RunSections parse(String text) {
        return RunSections.parse(spec(text, FILE));
    }

    private static ConfigException failure(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    @Test
    void designExampleParsesToTheExpectedRecords() throws IOException {
        String text;
        try (InputStream in = RunSectionsTest.class.getResourceAsStream("/" + DESIGN_FILE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        RunSections s = RunSections.parse(spec(text, DESIGN_FILE));
        assertEquals(new EvalSpec(1000, 500), s.eval());
        assertEquals(new LogSpec(50, 5), s.log());
        assertEquals(new ExportSpec(true), s.export());
        assertEquals(new TrackingSpec(Optional.of("mnist-beta"), Optional.empty()), s.tracking());
        assertEquals(20, s.train().epochs());
        assertEquals(128, s.train().batchSize());
        assertEquals(0, s.train().threads());
        assertEquals(0, s.train().stepsPerCall());
        assertEquals("adam", s.train().optimizer().type());
        assertEquals(new SourceLocation(DESIGN_FILE, 11, 61), s.train().optimizer().typeLocation());
        assertEquals(1.0e-3, s.train().optimizer().options().number("lr"));
    }

    @Test
    void absentSectionsTakeTheirDefaults() {
        RunSections s = parse(MINIMAL);
        assertEquals(new TrainSpec(2, 128, s.train().optimizer(), 0, 0), s.train());
        assertEquals(new EvalSpec(0, 500), s.eval());
        assertEquals(new LogSpec(50, 1), s.log());
        assertEquals(new ExportSpec(true), s.export());
        assertEquals(new TrackingSpec(Optional.empty(), Optional.empty()), s.tracking());
        assertEquals("optimizer", s.train().optimizer().kind());
        // A default component is located at the map that lacked it, so errors about it still point somewhere real.
        assertEquals(new SourceLocation(FILE, 5, 8), s.train().optimizer().typeLocation());
    }

    @Test
    void errorsNameTheFileTheLineAndTheSection() {
        assertEquals("experiments/x.yaml:5:20: unknown key 'batchsize' in 'train'; allowed keys: batch_size, epochs,"
                + " max_steps, optimizer, steps_per_call, threads (did you mean 'batch_size'?)",
                failure(MINIMAL.replace("{epochs: 2}", "{epochs: 2, batchsize: 64}")).getMessage());
        assertEquals("experiments/x.yaml:5:17: 'epochs' in 'train' must be an integer, got '2.5'",
                failure(MINIMAL.replace("{epochs: 2}", "{epochs: 2.5}")).getMessage());
        assertEquals("experiments/x.yaml:6:16: 'onnx' in 'export' must be true or false, got 'yes'",
                failure(MINIMAL + "export: {onnx: yes}\n").getMessage());
        assertEquals("experiments/x.yaml:5:8: missing required key 'epochs' in 'train'",
                failure(MINIMAL.replace("{epochs: 2}", "{batch_size: 64}")).getMessage());
        assertEquals("experiments/x.yaml:5:17: 'epochs' in 'train' must be at least 1, got 0",
                failure(MINIMAL.replace("{epochs: 2}", "{epochs: 0}")).getMessage());
        assertEquals("experiments/x.yaml:6:12: unknown key 'urI' in 'tracking'; allowed keys: experiment, register, uri"
                + " (did you mean 'uri'?)", failure(MINIMAL + "tracking: {urI: http://x}\n").getMessage());
    }

    @Test
    void anOverrideIsValidatedLikeTheFile() {
        SourceLocation origin = new SourceLocation("experiments/sweep.yaml", 4, 5);
        ConfigMap base = ConfigLoader.parse(MINIMAL, FILE);
        assertEquals(7, RunSections.parse(ExperimentSpec.parse(base.withOverride("train.epochs", "7", origin))).train().epochs());
        var unknown = assertThrows(ConfigException.class,
                () -> RunSections.parse(ExperimentSpec.parse(base.withOverride("train.epoch", "7", origin))));
        assertEquals("experiments/sweep.yaml:4:5: unknown key 'epoch' in 'train'; allowed keys: batch_size, epochs,"
                + " max_steps, optimizer, steps_per_call, threads (did you mean 'epochs'?)", unknown.getMessage());
    }

    @Test
    void theResolvedConfigHasEveryDefaultInTheOrderItHadBeforeTheSectionsMoved() {
        // the run's name hashes this text: it must not change when the parsing moves between modules
        ResolvedExperiment rx = TinyRuns.INJECTOR.getInstance(ExperimentResolver.class).resolve(spec(MINIMAL, FILE));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("name", "minimal");
        expected.put("data.dataset", "mnist");
        expected.put("data.binarize", "none");
        expected.put("data.validation", "5000");
        expected.put("model.type", "vae");
        expected.put("model.latent_dim", "20");
        expected.put("model.encoder.type", "mlp");
        expected.put("model.encoder.hidden", "[400]");
        expected.put("model.encoder.activation", "relu");
        expected.put("model.decoder.type", "mlp");
        expected.put("model.decoder.hidden", "[400]");
        expected.put("model.decoder.activation", "relu");
        expected.put("likelihood.type", "bernoulli");
        expected.put("train.epochs", "2");
        expected.put("train.batch_size", "128");
        expected.put("train.optimizer.type", "adam");
        expected.put("train.optimizer.lr", "1.0e-3");
        expected.put("train.optimizer.betas", "[0.9, 0.999]");
        expected.put("train.optimizer.eps", "1.0E-8");
        expected.put("train.optimizer.weight_decay", "0.0");
        expected.put("train.threads", "0");
        expected.put("train.steps_per_call", "0");
        expected.put("train.max_steps", "0");
        expected.put("seed", "0");
        expected.put("beta.type", "constant");
        expected.put("beta.value", "1.0");
        expected.put("eval.iw_samples", "0");
        expected.put("eval.batch_size", "500");
        expected.put("log.every_steps", "50");
        expected.put("log.grids_every_epochs", "1");
        expected.put("export.onnx", "true");
        expected.put("tracking", "{}");
        Map<String, String> resolved = ConfigLoader.parse(rx.resolvedYaml(), "config.yaml").flatten();
        assertEquals(expected, resolved);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(resolved.keySet()));
    }
}
