package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.tracking.RunStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
                "log: {every_steps: 10, grids_every_epochs: 0}",
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
        long written = Files.getLastModifiedTime(store).toMillis();
        assertEquals(0, run(err, "sprites-again", data), err.toString());
        assertEquals(written, Files.getLastModifiedTime(store).toMillis(), "the second run reads the same store");
    }

    @Test
    void anUnknownDatasetIsAConfigErrorNamingTheKnownOnes() throws IOException {
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "typo", "{dataset: sprite}"), err.toString());
        assertTrue(err.toString().contains("'dataset' in 'data' names no known dataset: 'sprite'; known datasets: binarized-mnist,"
                + " fashion-mnist, mnist, sprites (did you mean 'sprites'?)"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), "one line: " + err);
    }
}
