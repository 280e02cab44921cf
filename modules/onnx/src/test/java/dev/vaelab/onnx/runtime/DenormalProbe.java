package dev.vaelab.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import java.util.Map;

/**
 * Prints what the engine's first session makes of products below the smallest normal float
 * (1e-20 · 1e-20 = 1e-40) and of one above it (1e-18 · 1e-18 = 1e-36): run in a JVM of its own, because ONNX
 * Runtime applies the denormal setting once per process, to the thread that creates the first session.
 */
public final class DenormalProbe {
    private DenormalProbe() {
    }

    public static void main(String[] args) throws Exception {
        OrtEngine engine = new OrtEngine(2, true);
        Graph g = new Graph(DType.FLOAT);
        var x = g.input("x", DType.FLOAT, Shape.of(4096));
        g.output("y", g.mul(x, x));
        float[] values = new float[4096];
        java.util.Arrays.fill(values, 1e-20f);
        values[0] = 1e-18f;
        try (OrtSession session = engine.session(OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("ftz")));
             OnnxTensor in = engine.tensor(values, 4096);
             OrtSession.Result out = session.run(Map.of("x", in))) {
            float[] y = (float[]) out.get(0).getValue();
            int flushed = 0;
            for (int i = 1; i < y.length; i++) {
                flushed += y[i] == 0f ? 1 : 0;
            }
            System.out.println("normal " + (y[0] > 0 ? "kept" : "lost") + " denormal " + y[1] + " flushed " + flushed + "/" + (y.length - 1));
        }
    }
}
