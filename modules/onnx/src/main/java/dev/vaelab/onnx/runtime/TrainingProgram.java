package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSpec;
import dev.vaelab.onnx.graph.Shape;
import java.util.List;

/**
 * A compiled-to-ONNX training program: one {@code Loop} that runs up to {@code S} training steps
 * per call, with parameters and optimizer state either loop-carried or, where
 * {@code updatesInPlace}, updated in place in the buffers the session feeds.
 *
 * <p>Model inputs: {@code trip_count} (int64, the steps to run), {@code t0} (updates done before
 * this call), {@code lr} [S], each step input as [S, ...], then every parameter and every
 * optimizer slot {@code <param>.<slot>}. Outputs: each carried value as {@code <name>__next} (none
 * where updated in place: the session's buffers hold the new values when the call returns), then
 * each metric as [steps run], and where updated in place {@value #UPDATE_TOKEN}, the update's token
 * per step.
 */
public record TrainingProgram(Graph graph, List<ParameterSpec> parameters, List<String> slots,
                              List<StepInput> stepInputs, List<String> metrics, boolean updatesInPlace) {
    /** The output that keeps an in-place update in the graph: 1 per step run. */
    public static final String UPDATE_TOKEN = "update_token";

    public TrainingProgram {
        parameters = List.copyOf(parameters);
        slots = List.copyOf(slots);
        stepInputs = List.copyOf(stepInputs);
        metrics = List.copyOf(metrics);
    }

    /** A per-step input fed as a chunk of [S, ...]. */
    public record StepInput(String name, DType dtype, Shape perStepShape) {
    }

    /** The names of the state the session feeds to every call (parameters then slots), in Loop order. */
    public List<String> stateNames() {
        List<String> names = new java.util.ArrayList<>();
        parameters.forEach(p -> names.add(p.name()));
        for (ParameterSpec p : parameters) {
            slots.forEach(s -> names.add(slotName(p.name(), s)));
        }
        return names;
    }

    public static String slotName(String param, String slot) {
        return param + "." + slot;
    }

    public static String nextName(String carried) {
        return carried + "__next";
    }
}
