package dev.vaelab.zoo.objective;

import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.runtime.TrainingProgramBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What training maximises or minimises, chosen by {@code objective.type}: the loss of one step and
 * its per-step metrics (batch means, logged as {@code train/<name>}), the per-step inputs it
 * declares in the step graph and fills for every step (noise, β, a capacity, ...), and the values
 * in force it logs beside them. The training loop knows none of these by name.
 */
public interface Objective {
    /** The YAML type, e.g. {@code elbo}. */
    String type();

    /**
     * One step's loss and metrics for the batch x [B, D] (and one-hot y), built in the step graph of
     * {@code step}; the objective declares its own inputs there with {@code step.stepInput}.
     */
    TrainingProgramBuilder.StepOutputs step(TrainingProgramBuilder.StepContext step, VaeGraphs graphs, Tensor x,
                                            Optional<Tensor> y);

    /**
     * Fills the chunks of the inputs {@link #step} declared, for the {@code steps} global steps from
     * {@code firstStep} (0-based). {@code noise} is the epoch's noise stream: draws are taken step
     * by step, so the numbers do not depend on how an epoch is cut into calls.
     */
    void fillStepInputs(StepFeeds feeds, long firstStep, int steps, SplittableRandom noise);

    /** The values in force at {@code step} (0-based) logged with each window, e.g. {@code train/beta}. */
    Map<String, Double> valuesInForce(long step);

    /** Every metric it logs, graph metrics and values in force, with their {@code train/} prefix. */
    List<String> metricNames();
}
