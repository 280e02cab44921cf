package dev.vaelab.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other stacks, from the files alone: {@code src/test/node/use-exported.mjs} (onnxruntime-node) and
 * {@code src/test/python/use_exported.py} (Python's onnxruntime) shape their inputs from the
 * files' metadata and must compute what vaelab's Java side computes, within
 * {@value ParityCheck#TOLERANCE}; and the ONNX project's own checker
 * ({@code src/test/python/check_exported.py}) must accept the files of every registered combination and scale variant.
 * Each test is skipped where its runtime is absent (node and {@code npm install --ignore-scripts}
 * in src/test/node; python3 with {@code onnxruntime} or {@code onnx}, e.g. on PYTHONPATH).
 */
class OtherRuntimesTest {
    private static final Path NODE_DIR = Path.of("src/test/node");
    private static final Path PYTHON_DIR = Path.of("src/test/python");
    private static final List<TestZoo.Combination> MODELS = List.of(new TestZoo.Combination("vae", "mlp", "bernoulli"),
            new TestZoo.Combination("cvae", "conv", "gaussian"));

    @TempDir
    Path dir;

    @Test
    void onnxruntimeNodeComputesWhatVaelabDoesFromTheFilesAlone() throws Exception {
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/onnxruntime-node")),
                "onnxruntime-node is not installed: cd modules/export/src/test/node && npm install --ignore-scripts");
        assumeTrue(runs("node", "--version"), "node is not on the PATH");
        sameNumbers(List.of("node", "use-exported.mjs"), NODE_DIR);
    }

    @Test
    void pythonOnnxruntimeComputesWhatVaelabDoesFromTheFilesAlone() throws Exception {
        assumeTrue(runs("python3", "-c", "import onnxruntime, numpy"), "python3 with onnxruntime and numpy is not here");
        sameNumbers(List.of("python3", "use_exported.py"), PYTHON_DIR);
    }

    @Test
    void theOnnxCheckerAcceptsEveryRegisteredCombination() throws Exception {
        assumeTrue(runs("python3", "-c", "import onnx"), "python3 with the onnx package is not here");
        TestZoo zoo = new TestZoo();
        List<String> command = new ArrayList<>(List.of("python3", "check_exported.py"));
        List<TestZoo.Combination> all = new ArrayList<>(zoo.combinations());
        all.addAll(zoo.scaleVariants());
        for (int i = 0; i < all.size(); i++) {
            TestZoo.Combination c = all.get(i);
            VaeGraphs graphs = zoo.graphs(c, 3);
            Path models = Files.createDirectories(dir.resolve("combination-" + i));
            ExportResult files = new OnnxExporter(new ModelValidator()).write(
                    new ExportRequest(graphs, TestZoo.initialParameters(graphs, 4), TestZoo.card(graphs, c)), models);
            command.add(files.encoder().toAbsolutePath().toString());
            command.add(files.decoder().toAbsolutePath().toString());
        }
        Path out = dir.resolve("checker.txt");
        Process p = new ProcessBuilder(command).directory(PYTHON_DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the checker timed out");
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), report);
        assertTrue(report.contains((command.size() - 2) + " of " + (command.size() - 2) + " files pass"), report);
    }

    /** Exports each model, runs {@code command} on it and compares its JSON with the Java side's numbers. */
    private void sameNumbers(List<String> command, Path workingDirectory) throws Exception {
        TestZoo zoo = new TestZoo();
        for (TestZoo.Combination c : MODELS) {
            VaeGraphs graphs = zoo.graphs(c, 4);
            ModelCard card = TestZoo.card(graphs, c);
            Path models = Files.createDirectories(dir.resolve(command.get(0) + "-" + c.model() + "-" + c.network()));
            ExportResult files = new OnnxExporter(new ModelValidator())
                    .write(new ExportRequest(graphs, TestZoo.initialParameters(graphs, 2), card), models);
            ParityInputs in = ParityCheck.randomInputs(card, 5, 8);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("count", in.count());
            json.put("images", in.images());
            json.put("labels", in.labels().orElse(null));
            json.put("z", in.z().orElseThrow());
            Path inputs = models.resolve("inputs.json");
            new ObjectMapper().writeValue(inputs.toFile(), json);

            List<String> full = new ArrayList<>(command);
            full.addAll(List.of(files.encoder().toAbsolutePath().toString(), files.decoder().toAbsolutePath().toString(),
                    inputs.toAbsolutePath().toString()));
            JsonNode other = run(full, workingDirectory, models);

            Latents latents;
            try (EncoderFile encoder = EncoderFile.open(files.encoder(), 1)) {
                latents = encoder.encode(new Images(in.images(), in.count(), 1, 28, 28), in.labels(), "labels");
            }
            float[] mean;
            try (DecoderFile decoder = DecoderFile.open(files.decoder(), 1)) {
                mean = decoder.mean(in.z().orElseThrow(), in.count(), in.labels(), "labels");
            }
            assertClose(latents.mu(), other.get("mu"), c + " mu");
            assertClose(latents.logvar(), other.get("logvar"), c + " logvar");
            assertClose(mean, other.get("mean"), c + " mean");
            assertEquals(card.latentDim(), other.get("metadata").get("latent_dim").asInt());
            // a conv encoder takes [N, C, H, W], and the script saw that in the file
            assertEquals(c.network().equals("conv") ? 4 : 2, other.get("metadata").get("x_dims").size());
        }
    }

    private static void assertClose(float[] expected, JsonNode actual, String what) {
        assertEquals(expected.length, actual.size(), what);
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual.get(i).asDouble()));
        }
        assertTrue(diff <= ParityCheck.TOLERANCE * scale, what + ": relative error " + diff / scale);
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static JsonNode run(List<String> command, Path workingDirectory, Path scratch) throws Exception {
        Path out = scratch.resolve("out.json");
        Path err = scratch.resolve("err.txt");
        Process p = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " timed out");
        assertEquals(0, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(out.toFile());
    }
}
