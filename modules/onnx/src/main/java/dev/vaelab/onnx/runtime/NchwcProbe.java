package dev.vaelab.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.NodeRewrite;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import java.util.Map;

/**
 * Asks this machine's ONNX Runtime for its NCHWc block size: the channels ReorderInput pads 4 input
 * channels to (MLAS's block: 16 floats with AVX-512, 8 with AVX2). Below 8 (no such kernels, or a
 * build without the NCHWc operators) NCHWc convolutions are not used.
 */
final class NchwcProbe {
    private static final int PROBED_CHANNELS = 4;

    private NchwcProbe() {
    }

    /** The block size, or 0 where ORT has no NCHWc kernels worth using. */
    static int blockSize(OrtEngine engine) {
        try (OrtSession session = engine.session(model());
             OnnxTensor x = engine.tensor(new float[PROBED_CHANNELS], 1, PROBED_CHANNELS, 1, 1);
             OrtSession.Result result = session.run(Map.of("x", x))) {
            long block = ((OnnxTensor) result.get(0)).getInfo().getShape()[1];
            return block >= 8 && Long.bitCount(block) == 1 ? (int) block : 0;
        } catch (OrtException | RuntimeException e) {
            return 0;
        }
    }

    /** x [1, 4, 1, 1] through ReorderInput: an Identity the writer replaces. */
    private static byte[] model() {
        Graph g = new Graph(DType.FLOAT);
        g.output("y", g.identity(g.input("x", DType.FLOAT, Shape.of(1, PROBED_CHANNELS, 1, 1))));
        NodeRewrite reorder = new NodeRewrite() {
            @Override
            public Map<String, Long> domains() {
                return Map.of(NchwcConvolutions.DOMAIN, 1L);
            }

            @Override
            public boolean rewrite(Node node, Emitter out) {
                out.node(NchwcConvolutions.DOMAIN, "ReorderInput", out.output(), Map.of(), out.input(0));
                return true;
            }
        };
        return OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("nchwc_probe").withRewrite(reorder));
    }
}
