package dev.vaelab.zoo.objective;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;

/** The shape rules and the common first lowering step of the Gaussian latent's operators. */
final class GaussianLatentShapes {
    private GaussianLatentShapes() {
    }

    /** h must be [N, 2L] with a known even width, and eps (where given) [N, L]. */
    static void check(Tensor encoded, Tensor eps) {
        long width = encoded.rank() == 2 ? encoded.shape().dim(1) : -1;
        if (width <= 0 || width % 2 != 0) {
            throw new IllegalArgumentException("a Gaussian posterior's encoder output must be [N, 2L], got " + encoded);
        }
        if (eps != null && (eps.rank() != 2 || eps.shape().dim(1) != width / 2 || eps.dtype() != encoded.dtype())) {
            throw new IllegalArgumentException("the noise of a Gaussian sample must be [N, " + width / 2 + "] of "
                    + encoded.dtype() + ", got " + eps);
        }
    }

    /**
     * Emits what every lowering of the four starts with: {@code prefix_mu} and {@code prefix_logvar}
     * (the halves of the node's input 0 along axis 1), the constant {@code prefix_half} (0.5) and
     * {@code prefix_std = exp(logvar·0.5)}, in the order the composite computed them.
     */
    static void lowerStd(Node node, FusedOperator.Lowering out, String prefix) {
        lowerHalves(node, out, prefix);
        out.scalar(prefix + "_half", node.input(0).dtype(), 0.5);
        out.node("Mul", prefix + "_u", prefix + "_logvar", prefix + "_half");
        out.node("Exp", prefix + "_std", prefix + "_u");
    }

    /** Emits {@code prefix_mu} and {@code prefix_logvar}, the halves of the node's input 0 along axis 1. */
    private static void lowerHalves(Node node, FusedOperator.Lowering out, String prefix) {
        long latent = node.input(0).shape().dim(1) / 2;
        out.longs(prefix + "_axis", 1);
        out.longs(prefix + "_zero", 0);
        out.longs(prefix + "_latent", latent);
        out.longs(prefix + "_end", 2 * latent);
        out.node("Slice", prefix + "_mu", out.input(0), prefix + "_zero", prefix + "_latent", prefix + "_axis");
        out.node("Slice", prefix + "_logvar", out.input(0), prefix + "_latent", prefix + "_end", prefix + "_axis");
    }
}
