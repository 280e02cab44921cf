package dev.vaelab.onnx.graph;

/**
 * Operators of this engine that are not single ONNX operators: they are differentiated as one
 * operator (a shorter, more accurate backward pass) and lowered to ONNX operators on serialization.
 */
public final class Composites {
    /** Stable softplus, lowered to {@code Relu(x) - Log(Sigmoid(Abs(x)))}. */
    public static final String SOFTPLUS = "vaelab.Softplus";

    /**
     * The Bernoulli log-likelihood {@code sum_j x_j·l_j - softplus(l_j)} of targets x [N, D] under
     * logits l [N, D], to [N]. Its backward pass is one expression, {@code dy·(x - sigmoid(l))}.
     * Lowered as {@code sum(x·l - relu(l)) + sum(log(prod(sigmoid(|l|))))} with the products over
     * groups of at most {@link #LOG_GROUP} pixels: ORT's Log runs on one thread and was the
     * slowest kernel of the MNIST loss; a group's product stays above 2^-16, far from underflow.
     */
    public static final String BERNOULLI_LOG_LIKELIHOOD = "vaelab.BernoulliLogLikelihood";

    /** The most sigmoids of |l| in [1/2, 1] multiplied before one Log. */
    public static final int LOG_GROUP = 16;

    /** The largest divisor of {@code d} that is at most {@link #LOG_GROUP}, so that groups tile a row. */
    public static int logGroup(long d) {
        for (int k = LOG_GROUP; k > 1; k--) {
            if (d % k == 0) {
                return k;
            }
        }
        return 1;
    }

    private Composites() {
    }
}
