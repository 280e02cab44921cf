package dev.vaelab.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's sessions flush denormal floats to zero by default, and its switches refuse other values. */
class OrtEngineTest {
    @Test
    void aProductBelowTheSmallestNormalFloatIsFlushedToZero() throws Exception {
        // 1e-20 · 1e-20 = 1e-40, a denormal float (the smallest normal is 1.18e-38); 1e-19 · 1e-19 = 1e-38 is normal
        OrtEngine engine = new OrtEngine(2, true);
        Graph g = new Graph(DType.FLOAT);
        var x = g.input("x", DType.FLOAT, Shape.of(4096));
        g.output("y", g.mul(x, x));
        float[] values = new float[4096];
        java.util.Arrays.fill(values, 1e-20f);
        values[0] = 1e-19f;
        try (OrtSession session = engine.session(OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("ftz")));
             OnnxTensor in = engine.tensor(values, 4096);
             OrtSession.Result out = session.run(Map.of("x", in))) {
            float[] y = (float[]) out.get(0).getValue();
            assertEquals(1e-38f, y[0], 1e-43f, "a normal product is kept");
            for (int i = 1; i < y.length; i++) {
                assertEquals(0f, y[i], "denormal product " + i + " flushed");
            }
        }
    }

    @Test
    void aSwitchTakesZeroOrOne() {
        String before = System.getProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY);
        System.setProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY, "yes");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new OrtEngine(1, true).session(OnnxModelWriter.toBytes(identity(), OnnxModelWriter.Options.named("id"))));
            assertEquals("-Dvaelab.ort.denormalAsZero must be 0 or 1, got yes", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY);
            } else {
                System.setProperty(OrtEngine.DENORMAL_AS_ZERO_PROPERTY, before);
            }
        }
    }

    private static Graph identity() {
        Graph g = new Graph(DType.FLOAT);
        g.output("y", g.identity(g.input("x", DType.FLOAT, Shape.of(1))));
        return g;
    }
}
