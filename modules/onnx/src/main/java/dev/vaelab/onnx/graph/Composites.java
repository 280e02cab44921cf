package dev.vaelab.onnx.graph;

/**
 * Operators of this engine that are not single ONNX operators: they are differentiated as one
 * operator (a shorter, more accurate backward pass) and lowered to ONNX operators on serialization.
 * Operators owned by other modules (a likelihood's, say) are {@link FusedOperator}s instead.
 */
public final class Composites {
    /** Stable softplus, lowered to {@code Relu(x) - Log(Sigmoid(Abs(x)))}. */
    public static final String SOFTPLUS = "vaelab.Softplus";

    private Composites() {
    }
}
