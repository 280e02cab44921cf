package dev.vaelab.zoo.objective;

import dev.vaelab.onnx.graph.FusedOperator;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The reparameterised sample {@code z = mu + exp(logvar/2)·eps} of a diagonal Gaussian posterior,
 * read from the encoder's output {@code h = [mu | logvar]} [N, 2L] with standard-normal eps [N, L],
 * as one operator. As ONNX operators the sample, its KL term and their gradients were about 30 nodes
 * of [N, L] values per training step, and ONNX Runtime spends several microseconds on any node,
 * however small (about a tenth of the MNIST MLP's step; bench/README.md). Its gradient with respect
 * to h is one operator too ({@link GaussianSampleGradient}), with no slices or pads between them.
 * Lowered to the operators it replaces, in their order: Slice, Mul, Exp, Mul, Add.
 */
final class GaussianSample implements FusedOperator {
    static final String OP_TYPE = "vaelab.GaussianSample";
    private static final GaussianSample INSTANCE = new GaussianSample();

    private GaussianSample() {
    }

    /** z [N, L] from h = [mu | logvar] [N, 2L] and eps [N, L]. */
    static Tensor of(Graph g, Tensor encoded, Tensor eps) {
        GaussianLatentShapes.check(encoded, eps);
        return g.fused(INSTANCE, List.of(encoded, eps), encoded.dtype(), eps.shape(), Map.of());
    }

    @Override
    public String opType() {
        return OP_TYPE;
    }

    /** dh = [dz | dz·eps·std/2] (one operator); d eps = dz·std, which training never asks for. */
    @Override
    public Tensor[] gradient(Graph g, Node node, Tensor dz, boolean[] needed) {
        Tensor h = node.input(0);
        Tensor eps = node.input(1);
        Tensor dEps = null;
        if (needed[1]) {
            long latent = eps.shape().dim(1);
            dEps = g.mul(dz, g.exp(g.mul(g.slice(h, 1, latent, 2 * latent), 0.5)));
        }
        return new Tensor[] {needed[0] ? GaussianSampleGradient.of(g, h, eps, dz) : null, dEps};
    }

    @Override
    public void lower(Node node, Lowering out) {
        String z = out.output();
        GaussianLatentShapes.lowerStd(node, out, z);
        out.node("Mul", z + "_spread", z + "_std", out.input(1));
        out.node("Add", z, z + "_mu", z + "_spread");
    }

    @Override
    public String nativeKernel() {
        return "GaussianSample";
    }

    @Override
    public String toString() {
        return OP_TYPE + " (zoo)";
    }
}
