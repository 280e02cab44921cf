package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.autodiff.Autodiff;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.ParameterSource;
import dev.vaelab.onnx.graph.ParameterSpec;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import dev.vaelab.onnx.optim.Optimizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds a {@link TrainingProgram} from a step function: the forward pass and loss of one step,
 * then its backward pass by {@link Autodiff} and the optimizer's update, all inside a Loop body,
 * the parameters and optimizer state carried through the Loop or updated in place.
 */
public final class TrainingProgramBuilder {
    /** What a step function sees: the body graph, its parameters and its per-step inputs. */
    public interface StepContext {
        Graph graph();

        ParameterSource parameters();

        /** This step's slice of a chunked input fed as [S, perStepShape...]. */
        Tensor stepInput(String name, DType dtype, Shape perStepShape);
    }

    /** The scalar loss to minimise and the scalar metrics to report at every step. */
    public record StepOutputs(Tensor loss, Map<String, Tensor> metrics) {
        public StepOutputs {
            metrics = new LinkedHashMap<>(metrics);
        }
    }

    /** Builds one training step's forward pass. */
    @FunctionalInterface
    public interface StepFunction {
        StepOutputs build(StepContext context);
    }

    private TrainingProgramBuilder() {
    }

    /** The program with its parameters and optimizer state carried through the Loop. */
    public static TrainingProgram build(StepFunction step, Optimizer optimizer) {
        return build(step, optimizer, false);
    }

    /**
     * The program with its state updated in place where {@code updateInPlace} asks it (an engine
     * with vaelab's native kernels: {@link OrtEngine#updatesInPlace()}), the optimizer has such an
     * update ({@link Optimizer#updatesInPlace()}), and every node that reads a parameter or slot is one
     * that the update depends on, so that none can run after the update has written over what it
     * reads; otherwise (a metric read straight from a parameter, say) carried, to the same numbers.
     */
    public static TrainingProgram build(StepFunction step, Optimizer optimizer, boolean updateInPlace) {
        if (updateInPlace && optimizer.updatesInPlace()) {
            Optional<TrainingProgram> inPlace = assemble(step, optimizer, true);
            if (inPlace.isPresent()) {
                return inPlace.get();
            }
        }
        return assemble(step, optimizer, false).orElseThrow();
    }

    /** The program, or empty where an in-place update would not follow every reader of the state. */
    private static Optional<TrainingProgram> assemble(StepFunction step, Optimizer optimizer, boolean inPlace) {
        Graph outer = new Graph(DType.FLOAT);
        Tensor tripCount = outer.input("trip_count", DType.INT64, Shape.scalar());
        Tensor t0 = outer.input("t0", DType.FLOAT, Shape.scalar());
        Tensor lrChunk = outer.input("lr", DType.FLOAT, Shape.of(Shape.STEPS));

        Graph body = outer.subgraph();
        Tensor iter = body.input("iter", DType.INT64, Shape.scalar());
        Tensor cond = body.input("cond", DType.BOOL, Shape.scalar());
        // updated in place, the state is the outer graph's inputs, which the body reads as they are
        GraphInputParameters params = inPlace ? new GraphInputParameters(outer, "") : new GraphInputParameters(body, "loop/");
        List<TrainingProgram.StepInput> stepInputs = new ArrayList<>();
        Map<String, Tensor> stepTensors = new HashMap<>();

        StepOutputs out = step.build(new StepContext() {
            @Override
            public Graph graph() {
                return body;
            }

            @Override
            public ParameterSource parameters() {
                return params;
            }

            @Override
            public Tensor stepInput(String name, DType dtype, Shape perStepShape) {
                return stepTensors.computeIfAbsent(name, n -> {
                    if (List.of("trip_count", "t0", "lr").contains(n)) {
                        throw new IllegalArgumentException("step input name " + n + " is reserved");
                    }
                    stepInputs.add(new TrainingProgram.StepInput(n, dtype, perStepShape));
                    return body.gather(outer.input(n, dtype, perStepShape.prepend(Shape.STEPS)), iter);
                });
            }
        });
        if (out.metrics().containsKey("loss")) {
            throw new IllegalArgumentException("the metric name 'loss' is reserved for the loss");
        }

        List<Tensor> paramTensors = params.tensors();
        List<ParameterSpec> specs = params.specs();
        Map<Tensor, Tensor> grads = Autodiff.gradients(body, out.loss(), paramTensors, optimizer.gradientScale());

        // the steps' update numbers t = t0 + 1 + s for s = 0..S-1, as floats, beside their learning rates
        Tensor steps = outer.add("Range", List.of(outer.longScalar(0), outer.gather(outer.shapeOf(lrChunk), outer.longScalar(0)),
                outer.longScalar(1)), DType.INT64, Shape.of(Shape.STEPS), Map.of());
        Tensor tChunk = outer.add(outer.cast(steps, DType.FLOAT), outer.add(t0, outer.scalar(1)));
        Map<String, Tensor> shared = new HashMap<>();
        Optimizer.StepScalars scalars = new Optimizer.StepScalars() {
            @Override
            public Tensor lr() {
                return perStep("lr", (g, lr, t) -> lr);
            }

            @Override
            public Tensor perStep(String name, Optimizer.PerStep compute) {
                return shared("per_step/" + name, () -> body.gather(compute.compute(outer, lrChunk, tChunk), iter));
            }

            @Override
            public Tensor shared(String name, Supplier<Tensor> compute) {
                Tensor v = shared.get(name);
                if (v == null) {
                    v = compute.get();
                    shared.put(name, v);
                }
                return v;
            }
        };

        List<String> slots = optimizer.slots();
        List<List<Tensor>> slotInputs = new ArrayList<>();
        for (ParameterSpec p : specs) {
            List<Tensor> s = new ArrayList<>();
            for (String slot : slots) {
                String name = TrainingProgram.slotName(p.name(), slot);
                s.add(inPlace ? outer.input(name, DType.FLOAT, p.shape()) : body.input("loop/" + name, DType.FLOAT, p.shape()));
            }
            slotInputs.add(s);
        }
        List<Tensor> gradList = paramTensors.stream().map(grads::get).toList();
        body.output("loop/cond_out", cond);
        Map<String, Shape> carried = new LinkedHashMap<>();
        Tensor token = null;
        if (inPlace) {
            token = optimizer.updateAllInPlace(body, paramTensors, gradList, slotInputs, scalars);
            List<Tensor> state = new ArrayList<>(paramTensors);
            slotInputs.forEach(state::addAll);
            if (!UpdateOrder.everyReaderPrecedes(body, state, token)) {
                return Optional.empty();
            }
        } else {
            // carried values: every parameter, then every parameter's optimizer slots (the body's input order)
            List<List<Tensor>> updates = optimizer.updateAll(body, paramTensors, gradList, slotInputs, scalars);
            Map<String, Tensor> next = new LinkedHashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                next.put(specs.get(i).name(), updates.get(i).get(0));
            }
            for (int i = 0; i < specs.size(); i++) {
                for (int s = 0; s < slots.size(); s++) {
                    next.put(TrainingProgram.slotName(specs.get(i).name(), slots.get(s)), updates.get(i).get(1 + s));
                }
            }
            next.forEach((name, value) -> {
                carried.put(name, value.shape());
                body.output("loop/" + TrainingProgram.nextName(name), value);
            });
        }
        Map<String, Tensor> metrics = new LinkedHashMap<>();
        metrics.put("loss", out.loss());
        metrics.putAll(out.metrics());
        metrics.forEach((name, value) -> {
            if (value.rank() != 0) {
                throw new IllegalArgumentException("metric " + name + " must be a scalar, got " + value);
            }
            body.output("loop/metric/" + name, value);
        });
        if (token != null) {
            body.output("loop/" + TrainingProgram.UPDATE_TOKEN, token);
        }

        List<Tensor> carriedInitial = new ArrayList<>();
        carried.forEach((name, shape) -> carriedInitial.add(outer.input(name, DType.FLOAT, shape)));
        List<Tensor> loopOut = outer.loop(tripCount, body, carriedInitial);
        List<String> carriedNames = new ArrayList<>(carried.keySet());
        for (int i = 0; i < carriedNames.size(); i++) {
            outer.output(TrainingProgram.nextName(carriedNames.get(i)), loopOut.get(i));
        }
        List<String> metricNames = new ArrayList<>(metrics.keySet());
        for (int i = 0; i < metricNames.size(); i++) {
            outer.output("metric/" + metricNames.get(i), loopOut.get(carriedNames.size() + i));
        }
        if (token != null) {
            outer.output(TrainingProgram.UPDATE_TOKEN, loopOut.get(carriedNames.size() + metricNames.size()));
        }
        return Optional.of(new TrainingProgram(outer, specs, slots, stepInputs, metricNames, inPlace));
    }
}
