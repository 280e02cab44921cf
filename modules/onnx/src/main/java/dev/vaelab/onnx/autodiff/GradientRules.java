package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.Composites;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The gradient rule of every differentiable operator, each in one place. Every rule here has a
 * finite-difference check in {@code GradientCheckTest}.
 */
public final class GradientRules {
    private static final Map<String, GradientRule> RULES = Map.ofEntries(
            Map.entry("Identity", (g, n, dy, need) -> new Tensor[] {dy}),
            Map.entry("Add", (g, n, dy, need) -> new Tensor[] {dy, dy}),
            Map.entry("Sub", (g, n, dy, need) -> new Tensor[] {dy, need[1] ? g.neg(dy) : null}),
            Map.entry("Mul", (g, n, dy, need) -> new Tensor[] {
                need[0] ? g.mul(dy, n.input(1)) : null,
                need[1] ? g.mul(dy, n.input(0)) : null}),
            // d(a/b)/db = -a/b^2 = -y/b
            Map.entry("Div", (g, n, dy, need) -> new Tensor[] {
                need[0] ? g.div(dy, n.input(1)) : null,
                need[1] ? g.neg(g.div(g.mul(dy, n.output()), n.input(1))) : null}),
            Map.entry("Neg", (g, n, dy, need) -> new Tensor[] {g.neg(dy)}),
            Map.entry("Exp", (g, n, dy, need) -> new Tensor[] {g.mul(dy, n.output())}),
            Map.entry("Log", (g, n, dy, need) -> new Tensor[] {g.div(dy, n.input(0))}),
            Map.entry("Sqrt", (g, n, dy, need) -> new Tensor[] {g.div(g.mul(dy, 0.5), n.output())}),
            Map.entry("Abs", (g, n, dy, need) -> new Tensor[] {g.mul(dy, g.sign(n.input(0)))}),
            Map.entry("Reciprocal", (g, n, dy, need) -> new Tensor[] {g.neg(g.mul(dy, g.square(n.output())))}),
            // dy times the 0/1 mask of the active units (ReluGradient says how it runs)
            Map.entry("Relu", (g, n, dy, need) -> new Tensor[] {ReluGradient.apply(g, dy, n.output())}),
            Map.entry("LeakyRelu", (g, n, dy, need) -> new Tensor[] {g.where(
                    g.greater(n.input(0), g.scalar(0)), dy, g.mul(dy, n.doubleAttr("alpha", 0.01)))}),
            // elu'(x) = 1 for x > 0, else y + alpha
            Map.entry("Elu", (g, n, dy, need) -> new Tensor[] {g.where(
                    g.greater(n.input(0), g.scalar(0)), dy,
                    g.mul(dy, g.add(n.output(), n.doubleAttr("alpha", 1.0))))}),
            Map.entry("Tanh", (g, n, dy, need) -> new Tensor[] {
                g.mul(dy, g.sub(g.scalar(1), g.square(n.output())))}),
            Map.entry("Sigmoid", (g, n, dy, need) -> new Tensor[] {
                g.mul(dy, g.mul(n.output(), g.sub(g.scalar(1), n.output())))}),
            Map.entry(Composites.SOFTPLUS, (g, n, dy, need) -> new Tensor[] {g.mul(dy, g.sigmoid(n.input(0)))}),
            Map.entry("MatMul", GradientRules::matmul),
            Map.entry("Gemm", GradientRules::gemm),
            Map.entry("ReduceSum", (g, n, dy, need) -> new Tensor[] {
                g.expandLike(keepReducedAxes(g, n, dy, constantAxes(n)), n.input(0)), null}),
            Map.entry("ReduceMean", GradientRules::reduceMean),
            Map.entry("Concat", GradientRules::concat),
            Map.entry("Slice", GradientRules::slice),
            Map.entry("Reshape", (g, n, dy, need) -> new Tensor[] {g.reshapeLike(dy, n.input(0)), null}),
            // inserting axes of size 1 moves no element: the gradient is dy with them removed
            Map.entry("Unsqueeze", (g, n, dy, need) -> new Tensor[] {g.reshapeLike(dy, n.input(0)), null}),
            Map.entry("Transpose", (g, n, dy, need) -> new Tensor[] {g.transpose(dy, inverse(n.longsAttr("perm")))}),
            Map.entry("Where", (g, n, dy, need) -> new Tensor[] {null,
                need[1] ? g.where(n.input(0), dy, g.scalar(0)) : null,
                need[2] ? g.where(n.input(0), g.scalar(0), dy) : null}),
            // each picked element's gradient goes back to where it was picked from, summed over repeats
            Map.entry("GatherElements", (g, n, dy, need) -> new Tensor[] {g.scatterAddElements(
                    g.expandLike(g.scalar(0), n.input(0)), n.input(1), dy, n.longAttr("axis", 0)), null}),
            Map.entry("Conv", ConvGradients::conv),
            Map.entry("ConvTranspose", ConvGradients::convTranspose));

    private GradientRules() {
    }

    /** The rule for {@code opType}, if the operator is differentiable. */
    public static Optional<GradientRule> forOp(String opType) {
        return Optional.ofNullable(RULES.get(opType));
    }

    /** Operators with a gradient rule, sorted. */
    public static java.util.Set<String> differentiableOps() {
        return new TreeSet<>(RULES.keySet());
    }

    private static Tensor[] matmul(Graph g, Node n, Tensor dy, boolean[] need) {
        Tensor a = n.input(0);
        Tensor b = n.input(1);
        return new Tensor[] {
            need[0] ? g.gemm(dy, b, null, false, true, 1, 0) : null, // dy · bᵀ
            need[1] ? g.gemm(a, dy, null, true, false, 1, 0) : null}; // aᵀ · dy
    }

    /** y = alpha·op(a)·op(b) + beta·c, with op the optional transpose; transposes stay in Gemm flags. */
    private static Tensor[] gemm(Graph g, Node n, Tensor dy, boolean[] need) {
        Tensor a = n.input(0);
        Tensor b = n.input(1);
        boolean ta = n.longAttr("transA", 0) != 0;
        boolean tb = n.longAttr("transB", 0) != 0;
        double alpha = n.doubleAttr("alpha", 1.0);
        double beta = n.doubleAttr("beta", 1.0);
        Tensor da = null;
        Tensor db = null;
        if (need[0]) {
            // d op(a) = dy · op(b)ᵀ; if a was transposed, da = op(b) · dyᵀ
            da = ta ? g.gemm(b, dy, null, tb, true, alpha, 0) : g.gemm(dy, b, null, false, !tb, alpha, 0);
        }
        if (need[1]) {
            // d op(b) = op(a)ᵀ · dy; if b was transposed, db = dyᵀ · op(a)
            db = tb ? g.gemm(dy, a, null, true, ta, alpha, 0) : g.gemm(a, dy, null, !ta, false, alpha, 0);
        }
        Tensor dc = n.inputs().size() > 2 && need[2] ? (beta == 1.0 ? dy : g.mul(dy, beta)) : null;
        return new Tensor[] {da, db, dc};
    }

    private static Tensor[] reduceMean(Graph g, Node n, Tensor dy, boolean[] need) {
        Tensor x = n.input(0);
        long[] axes = n.longsAttr("axes");
        long count = 1;
        for (long axis : axes) {
            count *= x.shape().dim((int) axis);
        }
        if (count > 0) {
            // scaled before it is spread: the same products, on the reduced tensor
            return new Tensor[] {g.expandLike(keepReducedAxes(g, n, g.mul(dy, 1.0 / count), axes), x)};
        }
        Tensor spread = g.expandLike(keepReducedAxes(g, n, dy, axes), x);
        // a symbolic axis was averaged: divide by the runtime count size(x)/size(y)
        Tensor ratio = g.div(g.cast(g.add("Size", java.util.List.of(x), dev.vaelab.onnx.graph.DType.INT64,
                        Shape.scalar(), Map.of()), g.floatType()),
                g.cast(g.add("Size", java.util.List.of(n.output()), dev.vaelab.onnx.graph.DType.INT64,
                        Shape.scalar(), Map.of()), g.floatType()));
        return new Tensor[] {g.div(spread, ratio)};
    }

    private static Tensor keepReducedAxes(Graph g, Node n, Tensor dy, long[] axes) {
        boolean kept = n.longAttr("keepdims", 1) != 0;
        return kept || axes.length == 0 ? dy : g.unsqueeze(dy, axes);
    }

    private static long[] constantAxes(Node n) {
        Tensor axesInput = n.input(1);
        return Autodiff.constantLongs(axesInput)
                .orElseThrow(() -> new IllegalArgumentException("ReduceSum axes must be a constant: " + n));
    }

    private static Tensor[] concat(Graph g, Node n, Tensor dy, boolean[] need) {
        long axis = n.longAttr("axis", 0);
        Tensor[] out = new Tensor[n.inputs().size()];
        long start = 0;
        for (int i = 0; i < out.length; i++) {
            long size = n.input(i).shape().dim((int) axis);
            if (need[i]) {
                out[i] = g.slice(dy, axis, start, start + size);
            }
            start += size;
        }
        return out;
    }

    private static Tensor[] slice(Graph g, Node n, Tensor dy, boolean[] need) {
        Tensor x = n.input(0);
        long start = Autodiff.constantLongs(n.input(1)).orElseThrow()[0];
        long end = Autodiff.constantLongs(n.input(2)).orElseThrow()[0];
        int axis = (int) Autodiff.constantLongs(n.input(3)).orElseThrow()[0];
        long[] before = new long[x.rank()];
        long[] after = new long[x.rank()];
        before[axis] = start;
        after[axis] = x.shape().dim(axis) - end;
        return new Tensor[] {g.pad(dy, before, after), null, null, null};
    }

    private static long[] inverse(long[] perm) {
        long[] inv = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[(int) perm[i]] = i;
        }
        return inv;
    }
}
