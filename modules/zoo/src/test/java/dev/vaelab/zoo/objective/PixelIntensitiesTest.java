package dev.vaelab.zoo.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.runtime.OrtEngine;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A batch's bytes as intensities: every byte value gives the loaders' {@code k / 255f}, on the kernel and lowered. */
class PixelIntensitiesTest {
    private static final OrtEngine ENGINE = new OrtEngine(2, true);

    @Test
    void everyByteBecomesItsValueOver255AsTheLoadersMakeIt() throws Exception {
        // every byte value, over more than three of the kernel's chunks of 16384 (ORT's threads share them) and a tail
        int count = 3 * 16384 + 17;
        Graph g = new Graph(DType.FLOAT);
        g.output("x", PixelIntensities.of(g, g.input("bytes", DType.UINT8, Shape.of(count))));
        var withKernels = OnnxModelWriter.write(g, OnnxModelWriter.Options.named("t").withRewrite(ENGINE.rewrite()));
        assertEquals(ENGINE.fusedKernels() ? 1 : 0, withKernels.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("ByteIntensities")).count());
        for (byte[] model : new byte[][] {withKernels.toByteArray(), OnnxModelWriter.toBytes(g, OnnxModelWriter.Options.named("t"))}) {
            ByteBuffer bytes = ByteBuffer.allocateDirect(count);
            for (int i = 0; i < count; i++) {
                bytes.put((byte) (i * 7));
            }
            bytes.rewind();
            try (OrtSession session = ENGINE.session(model);
                 OnnxTensor in = ENGINE.byteTensor(bytes, count);
                 OrtSession.Result result = ENGINE.run(session, Map.of("bytes", in))) {
                FloatBuffer x = ((OnnxTensor) result.get("x").orElseThrow()).getFloatBuffer();
                for (int i = 0; i < count; i++) {
                    int k = (i * 7) & 0xff;
                    assertEquals(Float.floatToIntBits(k / 255f), Float.floatToIntBits(x.get(i)), "byte " + k);
                }
            }
        }
    }

    @Test
    void onlyBytesAreIntensities() {
        Graph g = new Graph(DType.FLOAT);
        assertThrows(IllegalArgumentException.class,
                () -> PixelIntensities.of(g, g.input("x", DType.FLOAT, Shape.of(3))));
    }
}
