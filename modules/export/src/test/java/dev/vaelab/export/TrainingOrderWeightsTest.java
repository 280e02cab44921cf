package dev.vaelab.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder file run by {@code sample} computes bit for bit what the training graph computes with
 * the same weights fed as inputs (as the run's grids are drawn), not merely within a tolerance, so
 * that its 8-bit levels are the grid's.
 */
class TrainingOrderWeightsTest {
    private static final int COUNT = 64;

    @TempDir
    Path dir;

    @Test
    void aDecoderFileComputesExactlyWhatTheTrainingGraphDoes() throws Exception {
        TestZoo zoo = new TestZoo();
        for (TestZoo.Combination c : List.of(new TestZoo.Combination("vae", "mlp", "bernoulli"),
                new TestZoo.Combination("cvae", "mlp", "bernoulli"), new TestZoo.Combination("vae", "conv", "bernoulli"))) {
            VaeGraphs graphs = zoo.graphs(c, 16, 512);
            ModelCard card = TestZoo.card(graphs, c);
            Map<String, float[]> parameters = TestZoo.initialParameters(graphs, 3);
            Path file = dir.resolve(c.model() + "-" + c.network() + ".onnx");
            Files.write(file, new OnnxExporter(new ModelValidator()).build(new ExportRequest(graphs, parameters, card), Role.DECODER));

            float[] z = SampleGrids.priorDraws(7, COUNT, card.latentDim());
            Optional<int[]> labels = card.conditional()
                    ? Optional.of(SampleGrids.rowLabels(COUNT, 8, card.numClasses())) : Optional.empty();
            Map<String, float[]> feeds = new HashMap<>(parameters);
            feeds.put("z", z);
            labels.ifPresent(l -> feeds.put("y", Labels.oneHot(l, card.numClasses())));
            float[] training;
            // as the run draws its grids: the decoder graph, optimised, its weights fed as inputs
            try (OrtSession session = new OrtEngine(1, true).session(OnnxModelWriter.toBytes(graphs.decoderGraph(),
                    OnnxModelWriter.Options.named("decoder")))) {
                training = SessionRuns.run(OrtEnvironment.getEnvironment(), session,
                        OrtEngine.inputsOf(session, feeds), COUNT).get("mean");
            }
            try (DecoderFile decoder = DecoderFile.open(file, 1)) {
                assertArrayEquals(training, decoder.mean(z, COUNT, labels, "--label"), c.toString());
            }
        }
    }

    @Test
    void everyWeightBecomesAnInputWithItsValueKept() throws Exception {
        TestZoo zoo = new TestZoo();
        TestZoo.Combination c = new TestZoo.Combination("vae", "mlp", "bernoulli");
        VaeGraphs graphs = zoo.graphs(c, 4);
        byte[] file = new OnnxExporter(new ModelValidator()).build(
                new ExportRequest(graphs, TestZoo.initialParameters(graphs, 3), TestZoo.card(graphs, c)), Role.DECODER);
        ModelProto before = ModelProto.parseFrom(file);
        ModelProto after = ModelProto.parseFrom(TrainingOrderWeights.of(file));
        Set<String> inputs = after.getGraph().getInputList().stream().map(ValueInfoProto::getName).collect(Collectors.toSet());
        assertTrue(before.getGraph().getInitializerCount() > 0);
        for (TensorProto weight : before.getGraph().getInitializerList()) {
            assertTrue(inputs.contains(weight.getName()), weight.getName() + " is not an input");
        }
        assertEquals(before.getGraph().getInitializerList(), after.getGraph().getInitializerList());
        assertEquals(before.getGraph().getInputCount() + before.getGraph().getInitializerCount(), after.getGraph().getInputCount());
        byte[] notOnnx = "not a model".getBytes();
        assertArrayEquals(notOnnx, TrainingOrderWeights.of(notOnnx));
    }
}
