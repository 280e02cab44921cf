package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.ParameterSpec;
import dev.vaelab.onnx.graph.Shape;
import java.util.List;

/**
 * A compiled-to-ONNX training program: one {@code Loop} that runs up to {@code S} training steps
 * per call, with parameters and optimizer state loop-carried.
 *
 * <p>Model inputs: {@code trip_count} (int64, the steps to run), {@code t0} (updates done before
 * this call), {@code lr} [S], each step input as [S, ...], then every parameter and every
 * optimizer slot {@code <param>.<slot>}. Outputs: each carried value as {@code <name>__next}, then
 * each metric as [steps run].
 */
public record TrainingProgram(Graph graph, List<ParameterSpec> parameters, List<String> slots,
                              List<StepInput> stepInputs, List<String> metrics) {
    public TrainingProgram {
        parameters = List.copyOf(parameters);
        slots = List.copyOf(slots);
        stepInputs = List.copyOf(stepInputs);
        metrics = List.copyOf(metrics);
    }

    /** A per-step input fed as a chunk of [S, ...]. */
    public record StepInput(String name, DType dtype, Shape perStepShape) {
    }

    /** The names of the carried values (parameters then slots), in Loop order. */
    public List<String> carriedNames() {
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
