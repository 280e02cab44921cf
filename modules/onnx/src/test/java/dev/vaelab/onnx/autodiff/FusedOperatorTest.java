package dev.vaelab.onnx.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.onnx.autodiff.GradientChecker.Operand;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's side of fused operators: a graph registers one, autodiff uses its rule, the writer its lowering. */
class FusedOperatorTest {
    /** {@code sum_j x_j³} over the last axis of [N, D], to [N]: a rule, attributes and a constant in its lowering. */
    static final class RowSumOfCubes implements FusedOperator {
        @Override
        public String opType() {
            return "test.RowSumOfCubes";
        }

        Tensor apply(Graph g, Tensor x) {
            return g.fused(this, List.of(x), x.dtype(), Shape.of(x.shape().dim(0)), Map.of());
        }

        @Override
        public Tensor[] gradient(Graph g, Node n, Tensor dy, boolean[] needed) {
            Tensor x = n.input(0);
            return new Tensor[] {g.mul(g.mul(g.square(x), 3.0), g.unsqueeze(dy, 1))};
        }

        @Override
        public void lower(Node n, Lowering out) {
            String y = out.output();
            out.node("Mul", y + "_sq", out.input(0), out.input(0));
            out.node("Mul", y + "_cube", y + "_sq", out.input(0));
            out.longs(y + "_axes", 1);
            out.node("ReduceSum", y, Map.of("keepdims", 0L), y + "_cube", y + "_axes");
        }
    }

    @Test
    void aFusedOperatorsRuleAndLoweringPassTheFiniteDifferenceCheck() {
        RowSumOfCubes op = new RowSumOfCubes();
        GradientChecker.check("test.RowSumOfCubes", ops -> op.apply(ops.g(), ops.x(0)), Operand.batched(3, -2, 2, 5));
        assertTrue(GradientChecker.checked().contains("test.RowSumOfCubes"));
    }

    @Test
    void subgraphsShareTheRegistryAndANameMeansOneOperator() {
        Graph g = new Graph(DType.DOUBLE);
        RowSumOfCubes op = new RowSumOfCubes();
        op.apply(g, g.input("x", DType.DOUBLE, Shape.of(Shape.BATCH, 4)));
        Graph body = g.subgraph();
        assertEquals(op, body.fusedOperator("test.RowSumOfCubes").orElseThrow());
        assertTrue(new Graph(DType.DOUBLE).fusedOperator("test.RowSumOfCubes").isEmpty(), "registered per graph family");
        var other = new RowSumOfCubes();
        var e = assertThrows(IllegalArgumentException.class,
                () -> other.apply(body, body.input("y", DType.DOUBLE, Shape.of(Shape.BATCH, 4))));
        assertTrue(e.getMessage().startsWith("two fused operators named test.RowSumOfCubes"), e.getMessage());
    }

    @Test
    void anUnknownOperatorStillNamesTheDifferentiableOnes() {
        Graph g = new Graph(DType.DOUBLE);
        Tensor x = g.input("x", DType.DOUBLE, Shape.of(2));
        Tensor y = g.add("test.Unknown", List.of(x), DType.DOUBLE, Shape.of(2), Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> Autodiff.gradients(g, g.sumAll(y), List.of(x)));
        assertTrue(e.getMessage().startsWith("no gradient rule for test.Unknown; differentiable operators: "), e.getMessage());
    }
}
