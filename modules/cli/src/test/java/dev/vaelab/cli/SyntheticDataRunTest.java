package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.vaelab.tracking.RunStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaelab run} on generated IDX files, so the whole path (checksums, IDX reading, training,
 * evaluation) is tested without any dataset on disk. The images are 10 random binary templates
 * with 5% of their pixels flipped: a model that knows the template and the flip rate needs
 * log 10 + 784·H(0.05) ≈ 158 nats per image, an untrained one about 543.
 */
class SyntheticDataRunTest {
    @TempDir
    Path dir;

    @Test
    void trainsOnGeneratedIdxFilesToAStatedLoss() throws Exception {
        Path root = dir.resolve("data");
        Injector injector = SyntheticDigits.injector(root, 42, 6000, 1000, false);
        Path yaml = dir.resolve("synthetic.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: synthetic",
                "data: {dataset: mnist, binarize: none, validation: 1000}",
                "model: {type: vae, latent_dim: 8, encoder: {type: mlp, hidden: [128]}, decoder: {type: mlp, hidden: [128]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 4, batch_size: 50, optimizer: {type: adam, lr: 3.0e-3}}",
                "log: {every_steps: 20, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), "run", yaml.toString(),
                "--data-dir", root.toString(), "--results", dir.resolve("results").toString(), "--threads", "2");
        assertEquals(0, code, err.toString());
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("results/synthetic"))) {
            run = runs.findFirst().orElseThrow();
        }
        Map<String, Double> summary = RunStore.open(run).readSummary();
        double optimum = Math.log(10) - SyntheticDigits.PIXELS
                * (SyntheticDigits.FLIP * Math.log(SyntheticDigits.FLIP) + (1 - SyntheticDigits.FLIP) * Math.log(1 - SyntheticDigits.FLIP));
        double testElbo = summary.get("test/elbo");
        assertTrue(testElbo < -optimum, "the ELBO " + testElbo + " cannot beat the true log-likelihood " + -optimum);
        assertTrue(testElbo > -optimum - 45, "test ELBO " + testElbo + " is more than 45 nats from the optimum " + -optimum);
    }

}
