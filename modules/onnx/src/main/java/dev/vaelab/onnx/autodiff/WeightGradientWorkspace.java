package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Shape;

/**
 * The memory the weight gradient of a convolution takes beside the activations, for memory
 * estimates made before a training graph is built: the im2col GEMM form gathers columns of
 * positions × taps × channels values per example, the batch-axis Conv (ORT's own workspace, one
 * channel at a time) no more than its operands. These are the lowerings' figures, an upper bound
 * where vaelab's native kernel runs the gradient ({@link ConvWeightGradient}: one image's columns
 * per thread).
 */
public final class WeightGradientWorkspace {
    private WeightGradientWorkspace() {
    }

    /**
     * Values the weight gradient of {@code node} (a forward {@code Conv} or {@code ConvTranspose}
     * whose sizes past the batch are known) gathers for a training batch of {@code batchSize}, as
     * {@link ConvGradients} will build it; 0 for other nodes and where it will be the batch-axis Conv.
     */
    public static long values(Node node, int batchSize) {
        if (!node.opType().equals("Conv") && !node.opType().equals("ConvTranspose")) {
            return 0;
        }
        Shape x = node.input(0).shape();
        Shape y = node.output().shape();
        Shape w = node.input(1).shape();
        // as in training, with the batch fixed: a Conv gathers x at y's positions, a ConvTranspose y at x's
        Shape read = withBatch(node.opType().equals("Conv") ? x : y, batchSize);
        Shape other = withBatch(node.opType().equals("Conv") ? y : x, batchSize);
        if (read.rank() != 4 || !ConvGradients.gemmWeightGradient(read, other, w)) {
            return 0;
        }
        return Math.multiplyExact(ConvGradients.gatheredPerExample(read, other, w), batchSize);
    }

    private static Shape withBatch(Shape shape, int batchSize) {
        long[] dims = shape.dims().clone();
        dims[0] = batchSize;
        return Shape.of(dims);
    }
}
