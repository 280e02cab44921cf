package dev.vaelab.onnx.autodiff;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Node;
import dev.vaelab.onnx.graph.Tensor;

/**
 * The backward pass of one operator: given the gradient of the loss with respect to the node's
 * output, emits nodes computing the gradients with respect to the inputs that {@code needed} marks.
 * Returned gradients may have the broadcast shape of the output; the caller reduces them to each
 * input's own shape.
 */
@FunctionalInterface
public interface GradientRule {
    Tensor[] apply(Graph g, Node node, Tensor outputGrad, boolean[] needed);
}
