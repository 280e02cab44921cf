package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Injector;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that diverges inside a logging window keeps that window's rows: "the metrics up to step N are
 * kept" is true with {@code log.every_steps: 50} as with 1, and {@code metrics.csv} exists.
 */
class DivergenceWindowTest {
    @TempDir
    Path dir;

    @Test
    void theLastPartialWindowIsLoggedBeforeTheRunFails() throws Exception {
        Injector injector = SyntheticDigits.injector(dir.resolve("data"), 13, 2000, 100, true);
        Path yaml = dir.resolve("nan.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: nan",
                "data: {dataset: mnist, binarize: none, validation: 100}",
                "model: {type: vae, latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 50, optimizer: {type: sgd, lr: 3.0e+2}}",
                "log: {every_steps: 50, grids_every_epochs: 0}",
                "export: {onnx: false}", ""));
        StringWriter err = new StringWriter();
        int code = Main.execute(injector, new PrintWriter(err, true), "run", yaml.toString(), "--data-dir",
                dir.resolve("data").toString(), "--results", dir.resolve("results").toString(), "--threads", "1");
        assertEquals(1, code, err.toString());
        Matcher m = Pattern.compile("the loss became \\S+ at step (\\d+) \\(epoch 1\\); the metrics up to step (\\d+) are kept")
                .matcher(err.toString());
        assertTrue(m.find(), err.toString());
        long kept = Long.parseLong(m.group(2));
        assertTrue(kept > 1 && kept < 50, "diverges inside the first window of 50 steps, after its first step: " + err);
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("results/nan"))) {
            run = runs.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        List<MetricRow> losses = MetricsCsv.read(run.resolve("metrics.csv")).stream()
                .filter(r -> r.key().equals("train/loss")).toList();
        assertEquals(1, losses.size(), losses.toString());
        assertEquals(kept, losses.get(0).step());
        assertTrue(Double.isFinite(losses.get(0).value()), losses.toString());
    }
}
