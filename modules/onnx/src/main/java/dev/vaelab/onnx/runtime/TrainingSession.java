package dev.vaelab.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.ParameterSpec;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a {@link TrainingProgram} in ONNX Runtime. Parameters and optimizer state live in ORT's
 * native memory: each call's outputs become the next call's inputs without touching the Java
 * heap. Step inputs are written by the caller into direct buffers that the input tensors wrap, so
 * feeding a chunk is one copy into native memory and no allocation: float inputs through
 * {@link #chunk}, uint8 inputs (pixel bytes) through {@link #byteChunk}.
 */
public final class TrainingSession implements AutoCloseable {
    private final OrtEngine engine;
    private final TrainingProgram program;
    private final OrtSession session;
    private final int stepsPerCall;
    private final Map<String, FloatBuffer> chunkBuffers = new LinkedHashMap<>();
    private final Map<String, ByteBuffer> byteChunkBuffers = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> chunkTensors = new LinkedHashMap<>();
    private final FloatBuffer lrBuffer;
    private final OnnxTensor lrTensor;
    private final Map<String, OnnxTensor> carried = new LinkedHashMap<>();
    private final List<OnnxTensor> ownedCarried = new ArrayList<>();
    private OrtSession.Result lastResult;
    private long updates;

    public TrainingSession(OrtEngine engine, TrainingProgram program, int stepsPerCall) {
        this.engine = engine;
        this.program = program;
        this.stepsPerCall = stepsPerCall;
        this.session = engine.session(program.graph(), "vaelab_train");
        for (TrainingProgram.StepInput in : program.stepInputs()) {
            long[] shape = in.perStepShape().prepend(stepsPerCall).dims();
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            if (in.dtype() == DType.FLOAT) {
                FloatBuffer buffer = OrtEngine.directFloats(count);
                chunkBuffers.put(in.name(), buffer);
                chunkTensors.put(in.name(), engine.tensor(buffer, shape));
            } else if (in.dtype() == DType.UINT8) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(count));
                byteChunkBuffers.put(in.name(), buffer);
                chunkTensors.put(in.name(), engine.byteTensor(buffer, shape));
            } else {
                throw new IllegalArgumentException("step input " + in.name() + " must be float or uint8, not " + in.dtype());
            }
        }
        lrBuffer = OrtEngine.directFloats(stepsPerCall);
        lrTensor = engine.tensor(lrBuffer, stepsPerCall);
    }

    public TrainingProgram program() {
        return program;
    }

    public int stepsPerCall() {
        return stepsPerCall;
    }

    /** Optimizer updates applied so far (the {@code t} of the next update is this plus one). */
    public long updates() {
        return updates;
    }

    /** Draws every parameter from its initializer, in declaration order, and zeroes the state. */
    public void initialize(SplittableRandom random) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParameterSpec p : program.parameters()) {
            values.put(p.name(), p.init().values(p.shape(), random));
        }
        for (ParameterSpec p : program.parameters()) {
            for (String slot : program.slots()) {
                values.put(TrainingProgram.slotName(p.name(), slot), new float[p.size()]);
            }
        }
        restore(values, 0);
    }

    /** Replaces parameters and state (e.g. from a checkpoint). */
    public void restore(Map<String, float[]> values, long updatesDone) {
        releaseCarried();
        Map<String, long[]> shapes = carriedShapes();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("no value for " + e.getKey());
            }
            OnnxTensor t = engine.tensor(v, e.getValue());
            ownedCarried.add(t);
            carried.put(e.getKey(), t);
        }
        updates = updatesDone;
    }

    /** The buffer to fill with the next chunk of a float step input, laid out [stepsPerCall, ...]. */
    public FloatBuffer chunk(String stepInput) {
        return chunkOf(chunkBuffers, stepInput, "float").clear();
    }

    /** The buffer to fill with the next chunk of a uint8 step input, laid out [stepsPerCall, ...]. */
    public ByteBuffer byteChunk(String stepInput) {
        return chunkOf(byteChunkBuffers, stepInput, "uint8").clear();
    }

    private <B> B chunkOf(Map<String, B> buffers, String stepInput, String type) {
        B b = buffers.get(stepInput);
        if (b == null) {
            throw new IllegalArgumentException("no " + type + " step input " + stepInput + "; " + type + " inputs: "
                    + buffers.keySet());
        }
        return b;
    }

    /**
     * Runs {@code steps} training steps on the chunks filled so far, with learning rate
     * {@code lr[i]} at step i. Returns each metric's per-step values.
     */
    public Map<String, float[]> run(int steps, float[] lr) {
        if (steps < 1 || steps > stepsPerCall) {
            throw new IllegalArgumentException("steps must be in [1, " + stepsPerCall + "], got " + steps);
        }
        lrBuffer.clear();
        lrBuffer.put(lr, 0, steps).rewind();
        Map<String, OnnxTensorLike> inputs = new HashMap<>(chunkTensors);
        inputs.put("lr", lrTensor);
        inputs.putAll(carried);
        try (OnnxTensor trip = engine.scalar((long) steps); OnnxTensor t0 = engine.scalar((float) updates)) {
            inputs.put("trip_count", trip);
            inputs.put("t0", t0);
            OrtSession.Result result = engine.run(session, inputs);
            Map<String, float[]> metrics = new LinkedHashMap<>();
            for (String m : program.metrics()) {
                metrics.put(m, floats(result.get("metric/" + m).orElseThrow()));
            }
            List<String> names = program.carriedNames();
            Map<String, OnnxTensor> next = new LinkedHashMap<>();
            for (String name : names) {
                next.put(name, (OnnxTensor) result.get(TrainingProgram.nextName(name)).orElseThrow());
            }
            releaseCarried();
            carried.putAll(next);
            lastResult = result;
            updates += steps;
            return metrics;
        } catch (OrtException e) {
            throw new IllegalStateException("training step failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** The current parameter tensors by name, valid until the next {@link #run} or restore. */
    public Map<String, OnnxTensor> parameters() {
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        program.parameters().forEach(p -> out.put(p.name(), carried.get(p.name())));
        return out;
    }

    /** A copy of every parameter and slot, e.g. for a checkpoint. */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> out = new LinkedHashMap<>();
        carried.forEach((name, t) -> out.put(name, floats(t)));
        return out;
    }

    private Map<String, long[]> carriedShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ParameterSpec p : program.parameters()) {
            shapes.put(p.name(), p.shape().dims());
        }
        for (ParameterSpec p : program.parameters()) {
            for (String slot : program.slots()) {
                shapes.put(TrainingProgram.slotName(p.name(), slot), p.shape().dims());
            }
        }
        return shapes;
    }

    static float[] floats(OnnxValue v) {
        FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    private void releaseCarried() {
        ownedCarried.forEach(OnnxTensor::close);
        ownedCarried.clear();
        if (lastResult != null) {
            lastResult.close();
            lastResult = null;
        }
        carried.clear();
    }

    @Override
    public void close() {
        releaseCarried();
        chunkTensors.values().forEach(OnnxTensor::close);
        lrTensor.close();
        OrtEngine.close(session);
    }
}
