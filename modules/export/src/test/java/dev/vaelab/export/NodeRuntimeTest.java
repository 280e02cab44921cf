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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another stack: {@code src/test/node/use-exported.mjs} loads exported files in onnxruntime-node
 * (another ONNX Runtime build, in JavaScript), shapes its inputs from the files' metadata alone, and
 * must compute what vaelab's Java side computes, within {@value ParityCheck#TOLERANCE}. Skipped
 * where node or the node package is absent ({@code cd src/test/node && npm install --ignore-scripts}).
 */
class NodeRuntimeTest {
    private static final Path SCRIPT_DIR = Path.of("src/test/node");

    @TempDir
    Path dir;

    @Test
    void onnxruntimeNodeComputesWhatVaelabDoesFromTheFilesAlone() throws Exception {
        assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/onnxruntime-node")),
                "onnxruntime-node is not installed: cd modules/export/src/test/node && npm install --ignore-scripts");
        assumeTrue(nodeRuns(), "node is not on the PATH");
        TestZoo zoo = new TestZoo();
        for (TestZoo.Combination c : List.of(new TestZoo.Combination("vae", "mlp", "bernoulli"),
                new TestZoo.Combination("cvae", "conv", "gaussian"))) {
            VaeGraphs graphs = zoo.graphs(c, 4);
            ModelCard card = TestZoo.card(graphs, c);
            Path models = Files.createDirectories(dir.resolve(c.model() + "-" + c.network()));
            ExportResult files = new OnnxExporter(new ModelValidator())
                    .write(new ExportRequest(graphs, TestZoo.initialParameters(graphs, 2), card), models);
            ParityInputs in = ParityCheck.randomInputs(card, 5, 8);

            Map<String, Object> json = new LinkedHashMap<>();
            json.put("count", in.count());
            json.put("images", in.images());
            json.put("labels", in.labels().orElse(null));
            json.put("z", in.z().orElseThrow());
            Path inputs = dir.resolve(c.model() + "-inputs.json");
            new ObjectMapper().writeValue(inputs.toFile(), json);
            JsonNode node = runNode(files.encoder(), files.decoder(), inputs);

            Latents latents;
            try (EncoderFile encoder = EncoderFile.open(files.encoder(), 1)) {
                latents = encoder.encode(new Images(in.images(), in.count(), 1, 28, 28), in.labels(), "labels");
            }
            float[] mean;
            try (DecoderFile decoder = DecoderFile.open(files.decoder(), 1)) {
                mean = decoder.mean(in.z().orElseThrow(), in.count(), in.labels(), "labels");
            }
            assertClose(latents.mu(), node.get("mu"), c + " mu");
            assertClose(latents.logvar(), node.get("logvar"), c + " logvar");
            assertClose(mean, node.get("mean"), c + " mean");
            assertEquals(card.latentDim(), node.get("metadata").get("latent_dim").asInt());
            // a conv encoder takes [N, C, H, W], and the script saw that in the file
            assertEquals(c.network().equals("conv") ? 4 : 2, node.get("metadata").get("x_dims").size());
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

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode runNode(Path encoder, Path decoder, Path inputs) throws Exception {
        Path out = dir.resolve("node-out.json");
        Path err = dir.resolve("node-err.txt");
        Process p = new ProcessBuilder("node", "use-exported.mjs", encoder.toAbsolutePath().toString(),
                decoder.toAbsolutePath().toString(), inputs.toAbsolutePath().toString())
                .directory(SCRIPT_DIR.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node timed out");
        assertEquals(0, p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(out.toFile());
    }
}
