package dev.vaelab.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.onnx.autodiff.GradientChecker;
import dev.vaelab.onnx.autodiff.GradientChecker.Operand;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import org.junit.jupiter.api.Test;

/** The fused Bernoulli log-likelihood's gradient rule and lowering; its values are checked in {@link BernoulliHeadTest}. */
class BernoulliLogLikelihoodTest {
    @Test
    void theGradientRuleMatchesFiniteDifferencesThroughTheLowering() {
        // 48 pixels: three groups of 16 in the lowering's products; 7 pixels: one group of 7; 17 pixels
        // (a prime above 16): no grouping
        GradientChecker.check(BernoulliLogLikelihood.OP_TYPE, ops -> BernoulliLogLikelihood.of(ops.g(), ops.x(0), ops.x(1)),
                Operand.batched(3, -8, 8, 48), Operand.batched(3, 0, 1, 48));
        GradientChecker.check(BernoulliLogLikelihood.OP_TYPE, ops -> BernoulliLogLikelihood.of(ops.g(), ops.x(0), ops.x(1)),
                Operand.of(-8, 8, 2, 7), Operand.of(0, 1, 2, 7));
        GradientChecker.check(BernoulliLogLikelihood.OP_TYPE, ops -> BernoulliLogLikelihood.of(ops.g(), ops.x(0), ops.x(1)),
                Operand.of(-8, 8, 2, 17), Operand.of(0, 1, 2, 17));
    }

    @Test
    void groupsTileARow() {
        assertEquals(16, BernoulliLogLikelihood.logGroup(784));
        assertEquals(14, BernoulliLogLikelihood.logGroup(3 * 14));
        assertEquals(7, BernoulliLogLikelihood.logGroup(7));
        assertEquals(1, BernoulliLogLikelihood.logGroup(17));
    }

    @Test
    void logitsAndTargetsMustShareOneMatrixShape() {
        Graph g = new Graph(DType.FLOAT);
        var l = g.input("l", DType.FLOAT, Shape.of(Shape.BATCH, 4));
        var x = g.input("x", DType.FLOAT, Shape.of(Shape.BATCH, 5));
        assertThrows(IllegalArgumentException.class, () -> BernoulliLogLikelihood.of(g, l, x));
    }
}
