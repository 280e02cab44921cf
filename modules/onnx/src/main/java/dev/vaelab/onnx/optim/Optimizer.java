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

    /**
     * Emits the updates of all parameters, in order: for each, the new parameter followed by its new
     * slot values. By default one {@link #update} per parameter; an optimizer may update them all in
     * fewer nodes.
     */
    default List<List<Tensor>> updateAll(Graph g, List<Tensor> params, List<Tensor> grads, List<List<Tensor>> states,
                                         StepScalars step) {
        List<List<Tensor>> updated = new java.util.ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            updated.add(update(g, params.get(i), grads.get(i), states.get(i), step));
        }
        return updated;
    }

    /**
     * Whether {@link #updateAllInPlace} can write this optimizer's updates over the parameters and
     * slots themselves, on vaelab's native kernels. None can by default.
     */
    default boolean updatesInPlace() {
        return false;
    }

    /**
     * Emits the updates of all parameters written over {@code params} and {@code states} themselves:
     * buffers that the training session owns, which the program reads as they are and never carries.
     * Returns the update's token, a scalar that the step must output so that the update runs.
     * Only where {@link #updatesInPlace()}; the caller makes every other reader of the parameters and
     * slots a node the update depends on.
     */
    default Tensor updateAllInPlace(Graph g, List<Tensor> params, List<Tensor> grads, List<List<Tensor>> states,
                                    StepScalars step) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no in-place update");
    }

    /** Scalars shared by every parameter's update at one step. */
    interface StepScalars {
        /** The learning rate in force at this step. */
        Tensor lr();

        /**
         * A scalar this optimizer derives from the learning rate and the 1-based update number t by
         * the same float operations at every step, cached by name. It is computed for all the steps
         * of a call at once, before the loop over them, element-wise on the vectors of their lr and t,
         * and each step reads its element with one node: recomputed per step, a chain of a dozen
         * scalar nodes cost the MLP's step about 0.1 ms (ONNX Runtime spends several microseconds on
         * any node, however small).
         */
        Tensor perStep(String name, PerStep compute);

        /** A value computed once and shared by every parameter's update (e.g. a constant), cached by name. */
        Tensor shared(String name, java.util.function.Supplier<Tensor> compute);
    }

    /** Builds a per-step scalar in {@code g} from the vectors of the steps' learning rates and update numbers. */
    @FunctionalInterface
    interface PerStep {
        Tensor compute(Graph g, Tensor lr, Tensor t);
    }
}
