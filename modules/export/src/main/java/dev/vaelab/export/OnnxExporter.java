package dev.vaelab.export;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.tracking.AtomicFiles;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code encoder.onnx} and {@code decoder.onnx}: the inference graphs built by the same
 * model code that trained (so parity holds by construction), the trained parameters baked in as
 * initializers, a dynamic batch axis, opset 17, doc strings on the graph, its inputs and outputs,
 * and the {@code vaelab.*} metadata of a {@link ModelCard}. Every file is checked by
 * {@link ModelValidator} before it is written, so an invalid file never reaches the disk.
 */
public final class OnnxExporter {
    /** The domain of the exported models, so that tools show who made them. */
    public static final String MODEL_DOMAIN = "dev.vaelab";

    private final ModelValidator validator;

    @Inject
    public OnnxExporter(ModelValidator validator) {
        this.validator = validator;
    }

    /** Both files in memory, validated. */
    public ExportedModels build(ExportRequest request) {
        return new ExportedModels(build(request, Role.ENCODER), build(request, Role.DECODER));
    }

    /**
     * Writes both files into {@code directory} (each atomically).
     *
     * @throws VaelabException when the parameters do not fit the model
     */
    public ExportResult write(ExportRequest request, Path directory) {
        ExportedModels models = build(request);
        Path encoder = directory.resolve(Role.ENCODER.fileName());
        Path decoder = directory.resolve(Role.DECODER.fileName());
        AtomicFiles.write(encoder, models.encoder());
        AtomicFiles.write(decoder, models.decoder());
        MlflowModelDirectory.write(directory, request.card()); // an MLflow Model directory too
        return new ExportResult(encoder, models.encoder().length, decoder, models.decoder().length);
    }

    /** The validated file of one role. */
    public byte[] build(ExportRequest request, Role role) {
        Graph g = ExportGraphs.of(request.graphs(), request.card(), role);
        // Parameters have static shapes; what is fed (x, y, z) has the batch axis.
        List<Tensor> fed = g.inputs().stream().filter(t -> !t.shape().isStatic()).toList();
        Map<String, float[]> initializers = initializers(g, request.parameters(), role);

        InterfaceDocs docs = new InterfaceDocs(request.card());
        Map<String, String> inputs = docs.inputs(fed);
        Map<String, String> outputs = docs.outputs(g.outputs());
        Map<String, String> docStrings = new LinkedHashMap<>(inputs);
        docStrings.putAll(outputs);
        docStrings.put("", docs.graph(role)); // the model's doc string

        ModelProto written = OnnxModelWriter.write(g, new OnnxModelWriter.Options(role.graphName(), initializers,
                request.card().properties(role, inputs, outputs), docStrings, request.card().vaelabVersion()));
        ModelProto model = written.toBuilder()
                .setDomain(MODEL_DOMAIN)
                .setModelVersion(Long.parseLong(ModelCard.FORMAT))
                .setGraph(written.getGraph().toBuilder().setDocString(docs.graph(role)))
                .build();
        byte[] bytes = model.toByteArray();
        validator.requireValid(bytes, role.fileName());
        return bytes;
    }

    private static Map<String, float[]> initializers(Graph g, Map<String, float[]> parameters, Role role) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Tensor t : g.inputs()) {
            if (!t.shape().isStatic()) {
                continue;
            }
            float[] values = parameters.get(t.name());
            if (values == null) {
                throw new VaelabException("cannot export the " + role.wireName() + ": no value for its parameter '"
                        + t.name() + "' (the parameters hold " + parameters.size() + " tensors; was the checkpoint "
                        + "written by another model?)");
            }
            if (values.length != t.shape().size()) {
                throw new VaelabException("cannot export the " + role.wireName() + ": parameter '" + t.name() + "' has "
                        + values.length + " values, the model needs " + InterfaceDocs.render(t.shape()) + " = "
                        + t.shape().size());
            }
            out.put(t.name(), values);
        }
        return out;
    }
}
