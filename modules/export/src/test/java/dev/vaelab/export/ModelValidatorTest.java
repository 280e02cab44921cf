package dev.vaelab.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validity checks can fail: each test breaks one rule in an otherwise valid exported file and
 * sees the validator name that rule. The base file passes, so each rejection is the broken rule's.
 */
class ModelValidatorTest {
    private static final ModelValidator VALIDATOR = new ModelValidator();
    private static ModelProto encoder;
    private static ModelProto decoder;

    @BeforeAll
    static void export() throws Exception {
        TestZoo zoo = new TestZoo();
        TestZoo.Combination c = new TestZoo.Combination("vae", "mlp", "bernoulli");
        VaeGraphs graphs = zoo.graphs(c, 5);
        ExportedModels files = new OnnxExporter(VALIDATOR).build(
                new ExportRequest(graphs, TestZoo.initialParameters(graphs, 1), TestZoo.card(graphs, c)));
        encoder = ModelProto.parseFrom(files.encoder());
        decoder = ModelProto.parseFrom(files.decoder());
    }

    @Test
    void theUnbrokenFilesPass() {
        assertEquals(List.of(), VALIDATOR.problems(encoder.toByteArray()));
        assertEquals(List.of(), VALIDATOR.problems(decoder.toByteArray()));
    }

    @Test
    void aNodeNameUsedTwice() {
        rejects(encoder, m -> graph(m, g -> g.setNode(1, g.getNode(1).toBuilder().setName(g.getNode(0).getName()))),
                "is used twice");
    }

    @Test
    void aNodeReadingAValueNothingDefines() {
        rejects(encoder, m -> graph(m, g -> g.setNode(2, g.getNode(2).toBuilder().setInput(0, "nowhere"))),
                "reads 'nowhere', which is not defined before it");
    }

    @Test
    void nodesOutOfTopologicalOrder() {
        rejects(encoder, m -> graph(m, g -> {
            NodeProto last = g.getNode(g.getNodeCount() - 1);
            g.removeNode(g.getNodeCount() - 1);
            List<NodeProto> rest = List.copyOf(g.getNodeList());
            g.clearNode().addNode(last).addAllNode(rest);
            return g;
        }), "which is not defined before it");
    }

    @Test
    void aValueDefinedTwice() {
        rejects(encoder, m -> graph(m, g -> g.setNode(1, g.getNode(1).toBuilder().setOutput(0, g.getNode(0).getOutput(0)))),
                "is defined more than once");
    }

    @Test
    void anotherOpsetOrAnExtraDomain() {
        rejects(encoder, m -> m.setOpsetImport(0, OperatorSetIdProto.newBuilder().setDomain("").setVersion(18)),
                "default-domain opset 18, expected 17");
        rejects(encoder, m -> m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)),
                "only the default domain is allowed");
        rejects(encoder, m -> graph(m, g -> g.setNode(0, g.getNode(0).toBuilder().setDomain("com.microsoft"))),
                "which the model does not import");
    }

    @Test
    void anIrVersionTheOpsetDoesNotNeed() {
        rejects(encoder, m -> m.setIrVersion(9), "IR version 9 is newer than opset 17 needs (8)");
        rejects(encoder, m -> m.setIrVersion(7), "IR version 7 is older than opset 17 needs (8)");
    }

    @Test
    void anInitializerAlsoListedAsAnInput() {
        rejects(encoder, m -> graph(m, g -> g.addInput(ValueInfoProto.newBuilder()
                .setName(g.getInitializer(0).getName()).setDocString("weights")
                .setType(g.getInput(0).getType()))), "is also listed as a graph input");
    }

    @Test
    void initializerDataThatDoesNotFitItsDims() {
        rejects(encoder, m -> graph(m, g -> {
            TensorProto t = g.getInitializer(0);
            return g.setInitializer(0, t.toBuilder().setRawData(t.getRawData().substring(0, t.getRawData().size() - 4)));
        }), "values but its dims");
    }

    @Test
    void aMissingOrMalformedMetadataKey() {
        rejects(encoder, m -> metadataWithout(m, ModelCard.KEY_LATENT_DIM), "lacks the vaelab metadata vaelab.latent_dim");
        rejects(encoder, m -> metadataWithout(m, ModelCard.KEY_FORMAT), "not one exported by vaelab");
        rejects(encoder, m -> setMetadata(m, ModelCard.KEY_IMAGE_SHAPE, "[1, 28]"), "image shape must be [C, H, W]");
        rejects(encoder, m -> setMetadata(m, ModelCard.KEY_ROLE, "critic"), "expected encoder or decoder");
        rejects(encoder, m -> metadataWithout(m, ModelCard.KEY_COLOR_ORDER), "lacks the vaelab metadata vaelab.color_order");
        rejects(decoder, m -> setMetadata(m, ModelCard.KEY_CHANNELS, "3"),
                "has vaelab.channels '3', but its vaelab.image_shape [1,28,28] means '1'");
        rejects(encoder, m -> setMetadata(m, ModelCard.KEY_COLOR_ORDER, "BGR"), "has vaelab.color_order 'BGR'");
        rejects(encoder, m -> setMetadata(m, ModelCard.KEY_INPUT_LAYOUT, "HWC"), "has vaelab.input_layout 'HWC'");
    }

    @Test
    void metadataThatContradictsTheGraph() {
        rejects(encoder, m -> setMetadata(m, ModelCard.KEY_LATENT_DIM, "6"), "output mu is [N, 5]; the metadata says [N, 6]");
        rejects(decoder, m -> setMetadata(m, ModelCard.KEY_IMAGE_SHAPE, "[1, 32, 32]"), "output mean is [N, 784]");
        rejects(encoder, m -> setMetadata(m, ModelCard.KEY_OUTPUTS, "{\"mu\": \"means\"}"), "describes [mu] but the graph has [mu, logvar]");
        rejects(decoder, m -> setMetadata(m, ModelCard.KEY_ROLE, "encoder"), "the interface needs [x]");
    }

    @Test
    void aFixedBatchAxisOrAMissingDocString() {
        rejects(encoder, m -> graph(m, g -> g.setInput(0, withDim(g.getInput(0), 0, dimValue(16)))),
                "input 'x' does not start with the dynamic batch axis N");
        rejects(encoder, m -> graph(m, g -> g.setInput(0, g.getInput(0).toBuilder().clearDocString())),
                "input 'x' has no doc string");
        rejects(encoder, m -> graph(m, GraphProto.Builder::clearDocString), "the graph has no doc string");
    }

    @Test
    void aDeclaredShapeTheGraphDoesNotComputeFailsOrtsStrictInference() throws Exception {
        // mu and logvar declared [N, 6] with metadata to match: only type and shape inference can tell
        UnaryOperator<ModelProto.Builder> wrong = m -> {
            setMetadata(m, ModelCard.KEY_LATENT_DIM, "6");
            return graph(m, g -> g.setOutput(0, withDim(g.getOutput(0), 1, dimValue(6)))
                    .setOutput(1, withDim(g.getOutput(1), 1, dimValue(6))));
        };
        byte[] broken = wrong.apply(encoder.toBuilder()).build().toByteArray();
        assertEquals(List.of(), OnnxStructureCheck.check(ModelProto.parseFrom(broken)));
        assertEquals(List.of(), VaelabInterfaceCheck.check(ModelProto.parseFrom(broken)));
        List<String> problems = new OrtLoadCheck().check(broken);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("ONNX Runtime rejects the model"), problems.get(0));
        // without strict inference ORT would have loaded it: the session option is what catches it
        try (OrtSession lenient = StrictSessions.environment().createSession(broken, new OrtSession.SessionOptions())) {
            assertEquals(2, lenient.getNumOutputs());
        }
    }

    @Test
    void aTypeMismatchFailsTypeInference() throws OrtException {
        // a weight stored as double where the MatMul needs float
        UnaryOperator<ModelProto.Builder> wrong = m -> graph(m, g -> {
            TensorProto t = g.getInitializer(0);
            int n = t.getRawData().size() / 4;
            return g.setInitializer(0, t.toBuilder().setDataType(TensorProto.DataType.DOUBLE_VALUE)
                    .setRawData(ByteString.copyFrom(new byte[n * 8])));
        });
        rejects(encoder, wrong, "ONNX Runtime rejects the model");
    }

    @Test
    void aWeightOfTheWrongShapeFailsShapeInference() {
        // the first layer's weight [784, 64] stored as [784, 65]: the bias add no longer broadcasts
        rejects(encoder, m -> graph(m, g -> {
            int i = 0;
            while (g.getInitializer(i).getDimsCount() != 2) {
                i++;
            }
            TensorProto t = g.getInitializer(i);
            long rows = t.getDims(0);
            return g.setInitializer(i, t.toBuilder().setDims(1, t.getDims(1) + 1)
                    .setRawData(ByteString.copyFrom(new byte[(int) (rows * (t.getDims(1) + 1) * 4)])));
        }), "ONNX Runtime rejects the model");
    }

    @Test
    void bytesThatAreNotAModel() {
        assertEquals(1, VALIDATOR.problems("definitely not protobuf \u0000\u0001".getBytes()).size());
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> VALIDATOR.requireValid(new byte[] {8, -1, -1}, "junk.onnx"));
        assertTrue(e.getMessage().startsWith("junk.onnx is not a valid vaelab ONNX model"), e.getMessage());
    }

    private static void rejects(ModelProto base, UnaryOperator<ModelProto.Builder> breakIt, String expected) {
        List<String> problems = VALIDATOR.problems(breakIt.apply(base.toBuilder()).build().toByteArray());
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                "expected a problem containing '" + expected + "', got " + problems);
    }

    private static ModelProto.Builder graph(ModelProto.Builder m, UnaryOperator<GraphProto.Builder> change) {
        return m.setGraph(change.apply(m.getGraph().toBuilder()));
    }

    private static ModelProto.Builder metadataWithout(ModelProto.Builder m, String key) {
        List<StringStringEntryProto> kept = m.getMetadataPropsList().stream().filter(e -> !e.getKey().equals(key)).toList();
        return m.clearMetadataProps().addAllMetadataProps(kept);
    }

    private static ModelProto.Builder setMetadata(ModelProto.Builder m, String key, String value) {
        return metadataWithout(m, key).addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static ValueInfoProto withDim(ValueInfoProto v, int axis, TensorShapeProto.Dimension dim) {
        ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(axis, dim);
        return b.build();
    }

    private static TensorShapeProto.Dimension dimValue(long value) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
    }
}
