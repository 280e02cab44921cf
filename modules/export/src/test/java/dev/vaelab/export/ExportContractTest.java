package dev.vaelab.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * For every model type, network type and likelihood registered in the Guice map binders: both
 * files are valid (ONNX checker rules, vaelab interface, strict load and run in ONNX Runtime), say
 * what they are in their metadata, and compute what the training graphs compute, within a relative
 * error of {@value ParityCheck#TOLERANCE}, on random inputs and on real MNIST test images, with
 * ORT's graph optimizations off and on.
 */
class ExportContractTest {
    private static final int LATENT = 5;
    private static final List<String> SUMMARY = new ArrayList<>();

    private final TestZoo zoo = new TestZoo();
    private final ModelValidator validator = new ModelValidator();
    private final OnnxExporter exporter = new OnnxExporter(validator);
    private final ParityCheck parity = new ParityCheck();

    @Test
    void theRegistriesHoldTheBuiltInTypes() {
        assertTrue(zoo.models.keySet().containsAll(List.of("vae", "beta-vae", "cvae")), zoo.models.keySet().toString());
        assertTrue(zoo.networks.keySet().containsAll(List.of("mlp", "conv")), zoo.networks.keySet().toString());
        assertTrue(zoo.heads.containsKey("bernoulli"), zoo.heads.keySet().toString());
    }

    @TestFactory
    Stream<DynamicTest> everyRegisteredModelNetworkAndHeadExportsValidFilesWithParity() {
        return zoo.combinations().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    @TestFactory
    Stream<DynamicTest> headsWithScaleParametersOrOutputsExportValidFilesWithParity() {
        List<TestZoo.Combination> variants = zoo.scaleVariants();
        assertFalse(variants.isEmpty(), "no head takes a learned or predicted scale");
        return variants.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
    }

    private void check(TestZoo.Combination c) throws Exception {
        VaeGraphs graphs = zoo.graphs(c, LATENT);
        ModelCard card = TestZoo.card(graphs, c);
        ExportRequest request = new ExportRequest(graphs, TestZoo.initialParameters(graphs, 11), card);
        ExportedModels files = exporter.build(request);

        for (Role role : Role.values()) {
            byte[] bytes = files.of(role);
            assertEquals(List.of(), validator.problems(bytes), role + " of " + c);
            ModelProto proto = ModelProto.parseFrom(bytes);
            Map<String, String> metadata = proto.getMetadataPropsList().stream()
                    .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
            assertEquals(card, ModelCard.fromProperties(metadata, role.fileName()));
            assertEquals(role, ModelCard.roleOf(metadata, role.fileName()));
            assertEquals(8, proto.getIrVersion());
            assertEquals(17, proto.getOpsetImport(0).getVersion());
            assertFalse(proto.getGraph().getDocString().isBlank());
        }
        // ARCHITECTURE.md: x is [N, D], or [N, C, H, W] for a model that reads images as images (conv)
        int xRank = ModelProto.parseFrom(files.encoder()).getGraph().getInput(0).getType().getTensorType()
                .getShape().getDimCount();
        assertEquals(ExportGraphs.readsImages(graphs.encoderGraph(), card) ? 4 : 2, xRank, c.toString());
        if (c.network().equals("conv")) {
            assertEquals(4, xRank, "a conv encoder takes [N, C, H, W]");
        }
        List<ParityInputs> inputs = new ArrayList<>(List.of(ParityCheck.randomInputs(card, 16, 3)));
        TestZoo.mnistTest(32, card.conditional()).ifPresent(inputs::add);
        ParityReport report = parity.compare(request, files, inputs);
        // every output of both files, for each input set, optimizations off and on
        int outputs = 2 + ModelProto.parseFrom(files.decoder()).getGraph().getOutputCount();
        assertEquals(outputs * inputs.size() * 2, report.comparisons().size());
        assertEquals("", report.failures(ParityCheck.TOLERANCE), c + ": outputs beyond the tolerance");
        synchronized (SUMMARY) {
            SUMMARY.add(String.format("%-40s %d input sets, worst: %s", c, inputs.size(), report.worst()));
        }
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.forEach(System.out::println);
    }
}
