package dev.vaelab.train.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.runtime.OrtEngine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GemmRate times the product flops_floor.py counts: the shape's operands in the stated layouts. */
class GemmRateTest {
    private final OrtEngine engine = new OrtEngine(1, true);

    @Test
    void eachLayoutComputesTheProductOfTheStoredOperands() throws Exception {
        // A = [[1, 2, 3], [4, 5, 6]] (2x3), B = [[1, 0], [0, 1], [1, 1]] (3x2): A·B = [[4, 5], [10, 11]]
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] aStoredTransposed = {1, 4, 2, 5, 3, 6};
        float[] b = {1, 0, 0, 1, 1, 1};
        float[] bStoredTransposed = {1, 0, 1, 0, 1, 1};
        float[] expected = {4, 5, 10, 11};
        assertArrayEquals(expected, product("2x3x2:NN", a, b));
        assertArrayEquals(expected, product("2x3x2:TN", aStoredTransposed, b));
        assertArrayEquals(expected, product("2x3x2:NT", a, bStoredTransposed));
        assertArrayEquals(expected, product("2x3x2:TT", aStoredTransposed, bStoredTransposed));
    }

    @Test
    void shapesAreReadAndRefusedWithTheirText() {
        GemmRate.GemmShape shape = GemmRate.GemmShape.parse("128x784x400:NT");
        assertEquals(new GemmRate.GemmShape(128, 784, 400, false, true), shape);
        assertEquals(2.0 * 128 * 784 * 400, shape.flops());
        assertEquals("128x784x400:NT", shape.toString());
        assertEquals(new GemmRate.GemmShape(3, 4, 5, false, false), GemmRate.GemmShape.parse("3x4x5"));
        for (String bad : new String[] {"3x4", "3x4x5:XN", "0x4x5", "3xAx5", "3x4x5:NN:TT", "100000x100000x100000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmRate.GemmShape.parse(bad));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void aTimedProductTakesPositiveFiniteSeconds() {
        double seconds = GemmRate.medianSeconds(engine, GemmRate.GemmShape.parse("64x64x64"), 3);
        assertTrue(seconds > 0 && seconds < 1, "seconds per 64^3 product: " + seconds);
    }

    private float[] product(String shapeText, float[] a, float[] b) throws Exception {
        GemmRate.GemmShape shape = GemmRate.GemmShape.parse(shapeText);
        try (OrtSession session = engine.session(shape.model());
             OnnxTensor ta = engine.tensor(a, shape.aDims());
             OnnxTensor tb = engine.tensor(b, shape.bDims());
             OrtSession.Result result = session.run(Map.of("a", ta, "b", tb))) {
            float[][] c = (float[][]) result.get(0).getValue();
            return new float[] {c[0][0], c[0][1], c[1][0], c[1][1]};
        }
    }
}
