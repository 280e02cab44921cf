package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Tensor;
import java.util.List;

/**
 * A first-order optimizer expressed as graph nodes, so that the update runs inside the training
 * graph and parameters never leave ONNX Runtime between steps.
 */
public interface Optimizer {
    /**
     * The factor the gradients arrive multiplied by (the backward pass is seeded with it); an
     * optimizer folds a constant of its update into it to save a pass over every parameter.
     */
    default double gradientScale() {
        return 1.0;
    }

    /** Per-parameter state slots (e.g. Adam's {@code m} and {@code v}), each shaped like the parameter. */
    List<String> slots();

    /**
     * Emits the update of one parameter; {@code grad} is the gradient times {@link #gradientScale()}.
     *
     * @param state the current slot values, in {@link #slots()} order
     * @return the new parameter followed by the new slot values
     */
    List<Tensor> update(Graph g, Tensor param, Tensor grad, List<Tensor> state, StepScalars step);

    /** Scalars shared by every parameter's update at one step, computed once per step. */
    interface StepScalars {
        /** The learning rate in force at this step. */
        Tensor lr();

        /** The 1-based number of this update, as a float (Adam's bias correction uses it). */
        Tensor t();

        /** A per-step scalar this optimizer derived once from lr and t, cached by name. */
        Tensor shared(String name, java.util.function.Supplier<Tensor> compute);
    }
}
