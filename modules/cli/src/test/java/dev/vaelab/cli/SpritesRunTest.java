package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.RunStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dataset: sprites} from YAML through {@code vaelab run}: 64×64 sprites rendered into the
 * dataset cache beside the results, trained and evaluated from there, and the cache reused by the
 * next run; an unknown dataset name is a one-line config error.
 */
class SpritesRunTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String name, String data) throws IOException {
        return run(err, name, data, "log: {every_steps: 10, grids_every_epochs: 0}");
    }

    private int run(StringWriter err, String name, String data, String extra) throws IOException {
        Path yaml = dir.resolve(name + ".yaml");
        Files.writeString(yaml, String.join("\n",
                "name: " + name,
                "seed: 1",
                "data: " + data,
                "model:",
                "  type: beta-vae",
                "  latent_dim: 4",
                "  encoder: {type: mlp, hidden: [32]}",
                "  decoder: {type: mlp, hidden: [32]}",
                "likelihood: {type: bernoulli}",
                "beta: {type: constant, value: 4.0}",
                "train: {epochs: 1, batch_size: 32, max_steps: 20, optimizer: {type: adam, lr: 1.0e-3}}",
                extra,
                "export: {onnx: false}", ""));
        return Main.execute(Bootstrap.injector(), new PrintWriter(err, true), "run", yaml.toString(),
                "--results", dir.resolve("results").toString(), "--data-dir", dir.resolve("data").toString(), "--threads", "1");
    }

    @Test
    void spritesTrainFromTheCacheAndTheCacheIsReused() throws IOException {
        StringWriter err = new StringWriter();
        String data = "{dataset: sprites, size: 1200, test_fraction: 0.25, validation: 100}";
        assertEquals(0, run(err, "sprites", data), err.toString());
        Path store = dir.resolve("results/.cache/datasets/sprites-v1-n1200-seed1/images.u8store");
        assertTrue(Files.exists(store), "rendered into the cache beside the results");
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("results").resolve("sprites"))) {
            run = runs.findFirst().orElseThrow();
        }
        Map<String, Double> summary = RunStore.open(run).readSummary();
        double testElbo = summary.get("test/elbo");
        // 64×64 binary sprites light about 3% of their 4096 pixels: any trained model is far below the 2839 nats of p = 1/2
        assertTrue(testElbo < 0 && testElbo > -2839, "test ELBO " + testElbo);
        for (String key : List.of("mig", "factorvae", "dci_disentanglement", "dci_completeness", "dci_informativeness", "sap")) {
            Double value = summary.get("disentanglement/" + key);
            assertNotNull(value, "a factor dataset's run logs disentanglement/" + key + ": " + summary.keySet());
            assertTrue(value >= 0 && value <= 1, key + " = " + value);
        }
        long written = Files.getLastModifiedTime(store).toMillis();
        assertEquals(0, run(err, "sprites-again", data), err.toString());
        assertEquals(written, Files.getLastModifiedTime(store).toMillis(), "the second run reads the same store");
    }

    @Test
    void theMetricsTakeTheirSampleAndTheTraversalsAreRankedByMig() throws IOException {
        StringWriter err = new StringWriter();
        String data = "{dataset: sprites, size: 1200, test_fraction: 0.25, validation: 100}";
        assertEquals(0, run(err, "ranked", data, String.join("\n",
                "log: {every_steps: 10, grids_every_epochs: 1}",
                "eval: {disentanglement: {samples: 150}}")), err.toString());
        Path run = onlyRun("ranked");
        assertTrue(RunStore.open(run).readSummary().containsKey("disentanglement/mig"));
        try (Stream<Path> grids = Files.list(run.resolve("grids"))) {
            assertTrue(grids.anyMatch(p -> p.getFileName().toString().startsWith("traversals_mig_e001")),
                    "the final traversal grid by MIG contribution");
        }
        // fewer samples than the metrics need is one line saying what to raise, before any training
        assertEquals(1, run(err, "too-few", data, String.join("\n",
                "log: {every_steps: 10, grids_every_epochs: 0}",
                "eval: {disentanglement: {samples: 50}}")), err.toString());
        assertTrue(err.toString().contains("raise eval.disentanglement.samples"), err.toString());
        assertFalse(err.toString().contains("run too-few"), "refused before the run started: " + err);
        // samples: 0 turns them off
        StringWriter quiet = new StringWriter();
        assertEquals(0, run(quiet, "off", data, String.join("\n",
                "log: {every_steps: 10, grids_every_epochs: 0}",
                "eval: {disentanglement: {samples: 0}}")), quiet.toString());
        assertFalse(RunStore.open(onlyRun("off")).readSummary().containsKey("disentanglement/mig"));
    }

    private Path onlyRun(String experiment) throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("results").resolve(experiment))) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void anUnknownDatasetIsAConfigErrorNamingTheKnownOnes() throws IOException {
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "typo", "{dataset: sprite}"), err.toString());
        assertTrue(err.toString().contains("'dataset' in 'data' names no known dataset: 'sprite'; known datasets: binarized-mnist,"), err.toString());
        assertTrue(err.toString().contains(" mnist, numpy, sprites (did you mean 'sprites'?)"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
    }
}
