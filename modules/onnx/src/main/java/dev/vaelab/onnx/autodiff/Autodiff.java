package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.ConstantValue;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation over a {@link Graph}: appends the backward pass of a
 * scalar loss to the same graph. Only nodes on a path from a differentiated tensor to the loss get
 * a backward node, and only the operands that need one, so the first layer's input gradient is
 * never computed.
 */
public final class Autodiff {
    private Autodiff() {
    }

    /** Gradients of the scalar {@code loss} with respect to each of {@code wrt}, in order. */
    public static Map<Tensor, Tensor> gradients(Graph g, Tensor loss, List<Tensor> wrt) {
        return gradients(g, loss, wrt, 1.0);
    }

    /**
     * Gradients of {@code scale · loss}: scaling the seed of the backward pass scales every
     * gradient at no cost, which lets an optimizer fold a constant factor into them.
     */
    public static Map<Tensor, Tensor> gradients(Graph g, Tensor loss, List<Tensor> wrt, double scale) {
        if (loss.rank() != 0) {
            throw new IllegalArgumentException("the loss must be a scalar, got " + loss);
        }
        List<Node> forward = new ArrayList<>(g.nodes());
        Set<Tensor> dependsOnWrt = reachableFrom(forward, wrt);
        Set<Tensor> reachesLoss = reachingTo(forward, loss);

        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(loss, g.scalar(scale));
        for (int i = forward.size() - 1; i >= 0; i--) {
            Node node = forward.get(i);
            Tensor out = node.outputs().get(0);
            Tensor dy = grads.get(out);
            if (dy == null || node.outputs().size() != 1) {
                continue;
            }
            boolean[] needed = new boolean[node.inputs().size()];
            boolean any = false;
            for (int k = 0; k < needed.length; k++) {
                Tensor in = node.input(k);
                needed[k] = in != null && in.dtype().isFloating() && dependsOnWrt.contains(in) && reachesLoss.contains(in);
                any |= needed[k];
            }
            if (!any) {
                continue;
            }
            GradientRule rule = ruleFor(g, node.opType());
            Tensor[] dxs = rule.apply(g, node, dy, needed);
            for (int k = 0; k < needed.length; k++) {
                if (!needed[k]) {
                    continue;
                }
                if (dxs[k] == null) {
                    throw new IllegalArgumentException(node.opType() + " is not differentiable in input " + k);
                }
                Tensor in = node.input(k);
                Tensor dx = reduceToShape(g, dxs[k], in.shape());
                grads.merge(in, dx, g::add);
            }
        }
        Map<Tensor, Tensor> result = new LinkedHashMap<>();
        for (Tensor w : wrt) {
            Tensor dw = grads.get(w);
            // a tensor the loss does not depend on has a zero gradient
            result.put(w, dw != null ? dw : g.expandLike(g.scalar(0), w));
        }
        return result;
    }

    /**
     * Sums a broadcast gradient back to the operand's shape: over the leading axes the operand
     * lacks, and (keeping them) over the axes where the operand has size 1.
     */
    /** A fused operator's own rule, else the engine's. */
    private static GradientRule ruleFor(Graph g, String opType) {
        return g.fusedOperator(opType).<GradientRule>map(op -> op::gradient)
                .or(() -> GradientRules.forOp(opType))
                .orElseThrow(() -> new IllegalArgumentException("no gradient rule for " + opType
                        + "; differentiable operators: " + GradientRules.differentiableOps()));
    }

    static Tensor reduceToShape(Graph g, Tensor grad, Shape target) {
        Shape s = grad.shape();
        if (s.equals(target)) {
            return grad;
        }
        int extra = s.rank() - target.rank();
        Tensor out = grad;
        if (extra > 0) {
            long[] lead = new long[extra];
            Arrays.setAll(lead, i -> i);
            out = g.reduceSum(out, false, lead);
        }
        List<Long> ones = new ArrayList<>();
        for (int i = 0; i < target.rank(); i++) {
            if (target.dim(i) == 1 && out.shape().dim(i) != 1) {
                ones.add((long) i);
            }
        }
        if (!ones.isEmpty()) {
            out = g.reduceSum(out, true, ones.stream().mapToLong(Long::longValue).toArray());
        }
        if (!out.shape().equals(target)) {
            throw new IllegalStateException("cannot reduce gradient " + grad + " to " + target);
        }
        return out;
    }

    /** The values of a constant int64 tensor, if it is one. */
    static Optional<long[]> constantLongs(Tensor t) {
        for (Node n : t.graph().nodes()) {
            if (n.outputs().get(0) == t && n.opType().equals("Constant")) {
                return Optional.ofNullable(((ConstantValue) n.attributes().get("value")).longs());
            }
        }
        return Optional.empty();
    }

    private static Set<Tensor> reachableFrom(List<Node> nodes, List<Tensor> sources) {
        Set<Tensor> seen = newIdentitySet(sources);
        for (Node n : nodes) {
            if (n.inputs().stream().anyMatch(seen::contains)) {
                seen.addAll(n.outputs());
            }
        }
        return seen;
    }

    private static Set<Tensor> reachingTo(List<Node> nodes, Tensor sink) {
        Set<Tensor> seen = newIdentitySet(List.of(sink));
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().anyMatch(seen::contains)) {
                n.inputs().stream().filter(t -> t != null).forEach(seen::add);
            }
        }
        return seen;
    }

    private static Set<Tensor> newIdentitySet(List<Tensor> initial) {
        Set<Tensor> s = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(initial);
        return s;
    }
}
