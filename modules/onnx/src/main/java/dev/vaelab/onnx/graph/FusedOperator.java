package dev.vaelab.onnx.graph;

import java.util.List;

/**
 * An operator that is not one ONNX operator, defined by the module that owns it: a name, a
 * gradient rule (differentiated as one operator: a shorter, more accurate backward pass than its
 * parts') and a lowering to ONNX operators for serialization. Most have one output; an operator
 * that is a step of its own, such as an optimizer's update, may have several
 * ({@link Graph#fused(FusedOperator, List, List, Map)}). The engine knows none of them: a
 * graph registers an operator when {@link Graph#fused} first adds one of its nodes, and
 * {@link dev.vaelab.onnx.autodiff.Autodiff} and {@link OnnxModelWriter} look it up there.
 *
 * <p>Every gradient rule needs a finite-difference check; the engine's test harness
 * ({@code GradientChecker} in the onnx test-jar) runs one.
 */
public interface FusedOperator {
    /** The node's operator name, namespaced by its owner (e.g. {@code vaelab.BernoulliLogLikelihood}). */
    String opType();

    /**
     * The backward pass: given the gradient of the loss with respect to the node's output, the
     * gradients with respect to the inputs that {@code needed} marks (null for the others), built
     * in {@code g}. They may have the output's broadcast shape; the caller reduces them.
     */
    Tensor[] gradient(Graph g, Node node, Tensor outputGrad, boolean[] needed);

    /** Emits the ONNX operators that compute {@code node}'s output from its inputs. */
    void lower(Node node, Lowering out);

    /**
     * The kernel of vaelab's native library (domain {@code ai.vaelab}, the onnx module's
     * {@code src/main/c}) that computes this operator on float tensors where the library is loaded,
     * or null for none. It must compute what {@link #lower} computes, to float rounding at least.
     */
    default String nativeKernel() {
        return null;
    }

    /**
     * Whether {@link #nativeKernel()} takes {@code node}'s tensor types: by default float inputs and
     * outputs (a float64 graph, a gradient check's, keeps the lowering).
     */
    default boolean nativeKernelTakes(Node node) {
        return node.inputs().stream().allMatch(t -> t.dtype() == DType.FLOAT)
                && node.outputs().stream().allMatch(t -> t.dtype() == DType.FLOAT);
    }

    /** The attributes that {@link #nativeKernel()} reads from {@code node}: none unless it says. */
    default java.util.Map<String, Object> nativeKernelAttributes(Node node) {
        return java.util.Map.of();
    }

    /** What a lowering may emit: ONNX nodes over value names, and int64 constants. */
    interface Lowering {
        /** The value name of the node's input {@code i}. */
        String input(int i);

        /** The value name the node's (first) output must be given. */
        String output();

        /** The value name the node's output {@code i} must be given (a node of several outputs). */
        String output(int i);

        /** Adds ONNX operator {@code opType} computing {@code output} from {@code inputs}. */
        void node(String opType, String output, String... inputs);

        /**
         * As {@link #node(String, String, String...)}, with attributes (Long, Double, String,
         * long[] values).
         */
        void node(String opType, String output, java.util.Map<String, Object> attributes, String... inputs);

        /** Adds a 1-D int64 constant {@code output} holding {@code values}. */
        void longs(String output, long... values);

        /** Adds a scalar constant {@code output} of floating type {@code type}. */
        void scalar(String output, DType type, double value);
    }
}
