package dev.vaelab.train;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.tracking.AtomicFiles;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code encoder.onnx} and {@code decoder.onnx}: the inference graphs the run evaluated
 * with, parameters baked in as initializers, dynamic batch axis, opset 17.
 */
public final class ModelExport {
    private ModelExport() {
    }

    /** Writes both files into {@code directory}, returning their sizes in bytes. */
    public static Map<String, Long> write(VaeGraphs graphs, Map<String, float[]> parameters, Map<String, String> metadata,
                                          String version, Path directory) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("encoder", write(graphs.encoderGraph(), "vaelab_encoder", parameters, metadata, version,
                directory.resolve("encoder.onnx")));
        sizes.put("decoder", write(graphs.decoderGraph(), "vaelab_decoder", parameters, metadata, version,
                directory.resolve("decoder.onnx")));
        return sizes;
    }

    private static long write(Graph g, String name, Map<String, float[]> parameters, Map<String, String> metadata,
                              String version, Path file) {
        Map<String, float[]> used = new LinkedHashMap<>();
        g.inputs().forEach(t -> {
            if (parameters.containsKey(t.name())) {
                used.put(t.name(), parameters.get(t.name()));
            }
        });
        byte[] bytes = OnnxModelWriter.toBytes(g, new OnnxModelWriter.Options(name, used, metadata, Map.of(), version));
        AtomicFiles.write(file, bytes);
        return bytes.length;
    }
}
