package dev.vaelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifact users run: {@code java -jar vaelab-cli.jar}, with its {@code lib/} class path, as
 * the {@code vaelab} launcher starts it. Tests inside the build share Maven's class path, so a
 * dependency missing from the jar's manifest (a test-scoped declaration shadowing a runtime one,
 * say) shows only here.
 */
class PackagedJarIT {
    private static final Path DATA = ShortRuns.DATA;
    private static final Path JAR = Path.of(System.getProperty("vaelab.jar", "target/vaelab-cli.jar"));

    @TempDir
    Path dir;

    private String run(String... args) throws Exception {
        Path log = dir.resolve("out.log");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the jar did not finish within 300 s");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theJarPrintsItsVersion() throws Exception {
        assertTrue(run("--version").startsWith("vaelab "));
    }

    @Test
    void theJarTrainsOnLabelledDataThroughTheProbeAndTheExport() throws Exception {
        ShortRuns.assumeMnist();
        Path yaml = dir.resolve("jar.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: jar",
                "data: {dataset: mnist, binarize: dynamic, validation: 1000}",
                "model: {type: cvae, latent_dim: 4, encoder: {type: mlp, hidden: [32]}, decoder: {type: mlp, hidden: [32]}}",
                "likelihood: {type: bernoulli}",
                "train: {epochs: 1, batch_size: 200, max_steps: 50}",
                "eval: {iw_samples: 5}",
                "log: {every_steps: 25, grids_every_epochs: 1}", ""));
        String out = run("run", yaml.toString(), "--results", dir.resolve("results").toString(),
                "--data-dir", DATA.toString(), "--threads", "2");
        assertTrue(out.contains("test ELBO"), out);
        Path runDir;
        try (Stream<Path> runs = Files.list(dir.resolve("results/jar"))) {
            runDir = runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        String summary = Files.readString(runDir.resolve("summary.json"));
        for (String key : List.of("probe/accuracy", "test/nll_iw", "export/encoder_bytes")) {
            assertTrue(summary.contains("\"" + key + "\""), key + " missing from " + summary);
        }
        assertTrue(Files.size(runDir.resolve("model/decoder.onnx")) > 1000);
        assertTrue(Files.exists(runDir.resolve("grids/classes_e001.png")));
    }
}
