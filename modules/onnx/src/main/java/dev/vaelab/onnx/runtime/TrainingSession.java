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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Runs a {@link TrainingProgram} in ONNX Runtime. Parameters and optimizer state live in native
 * memory, outside the Java heap: a program that updates them in place writes them where they are,
 * in the buffers this session feeds to every call; one that carries them returns them as new
 * tensors that become the next call's inputs. Step inputs are written by the caller into direct
 * buffers that the input tensors wrap, so feeding a chunk is one copy into native memory and no
 * allocation: float inputs through {@link #chunk}, uint8 inputs (pixel bytes) through {@link #byteChunk}.
 */
public final class TrainingSession implements AutoCloseable {
    private final OrtEngine engine;
    private final TrainingProgram program;
    /** The program's session per way of waiting: one, or one for each way the chooser has used (where the engine adapts). */
    private final Map<ThreadWait, OrtSession> sessions = new EnumMap<>(ThreadWait.class);
    private final AdaptiveThreadWait waits;
    /** The program's serialized model, kept where the chooser may still ask for the spinning session. */
    private final byte[] model;
    /** The CPU time the rest of the machine takes, where the system says; read around each call the chooser times. */
    private final Optional<OtherCpuTime> otherCpu;
    private ThreadWait lastWait;
    private double lastOtherCpuShare = Double.NaN;
    private final int stepsPerCall;
    private final Map<String, FloatBuffer> chunkBuffers = new LinkedHashMap<>();
    private final Map<String, ByteBuffer> byteChunkBuffers = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> chunkTensors = new LinkedHashMap<>();
    private final FloatBuffer lrBuffer;
    private final OnnxTensor lrTensor;
    private final Map<String, OnnxTensor> state = new LinkedHashMap<>();
    private final List<OnnxTensor> ownedState = new ArrayList<>();
    private OrtSession.Result lastResult;
    private long updates;
    /**
     * Set when a call of an in-place program failed (a stop ended it between two nodes, say): its
     * state may then hold some of that call's updates and not others, and is not handed out until
     * {@link #restore} replaces it.
     */
    private boolean torn;

    public TrainingSession(OrtEngine engine, TrainingProgram program, int stepsPerCall) {
        this(engine, program, stepsPerCall, OtherCpuTime::ofThisMachine);
    }

    /**
     * As above, the chooser of how threads wait reading the rest of the machine's CPU time from {@code otherCpu}
     * (empty: it goes by the calls' times alone), asked only where the engine adapts.
     */
    TrainingSession(OrtEngine engine, TrainingProgram program, int stepsPerCall,
                    Supplier<Optional<OtherCpuTime>> otherCpu) {
        if (program.updatesInPlace() && !engine.updatesInPlace()) {
            throw new IllegalArgumentException("this program updates its state in place, which needs an engine with vaelab's"
                    + " native kernels and -D" + OrtEngine.IN_PLACE_UPDATES_PROPERTY + "=1; build it for this engine");
        }
        this.engine = engine;
        this.program = program;
        this.stepsPerCall = stepsPerCall;
        byte[] model = engine.model(program.graph(), "vaelab_train");
        if (engine.adaptsThreadWait()) {
            // the state and step inputs are fed to every call, so either session runs the next step on them; the
            // spinning one is made when the chooser first asks for it (never, for long steps)
            sessions.put(ThreadWait.SLEEP, engine.session(model, ThreadWait.SLEEP));
            this.model = model;
            this.waits = new AdaptiveThreadWait();
            this.otherCpu = otherCpu.get();
        } else {
            sessions.put(engine.threadWait(), engine.session(model));
            this.model = null;
            this.waits = null;
            this.otherCpu = Optional.empty();
        }
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

    /** Calls run so far per way of waiting, where this session chooses (empty where the engine fixes it). */
    Map<ThreadWait, Integer> callsPerThreadWait() {
        return waits == null ? Map.of() : waits.calls();
    }

    /**
     * The CPU time the rest of the machine took during the last call over the call's time, in cores (NaN
     * where the session does not choose how its threads wait, or the system does not say).
     */
    public double lastOtherCpuShare() {
        return lastOtherCpuShare;
    }

    /** How the threads of the last call waited. */
    public ThreadWait lastThreadWait() {
        return waits == null ? engine.threadWait() : lastWait;
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
        releaseState();
        Map<String, long[]> shapes = stateShapes();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("no value for " + e.getKey());
            }
            OnnxTensor t = engine.tensor(v, e.getValue());
            ownedState.add(t);
            state.put(e.getKey(), t);
        }
        updates = updatesDone;
        torn = false;
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
        requireWhole();
        lrBuffer.clear();
        lrBuffer.put(lr, 0, steps).rewind();
        Map<String, OnnxTensorLike> inputs = new HashMap<>(chunkTensors);
        inputs.put("lr", lrTensor);
        inputs.putAll(state);
        try (OnnxTensor trip = engine.scalar((long) steps); OnnxTensor t0 = engine.scalar((float) updates)) {
            inputs.put("trip_count", trip);
            inputs.put("t0", t0);
            OrtSession.Result result = call(inputs, steps);
            Map<String, float[]> metrics = new LinkedHashMap<>();
            for (String m : program.metrics()) {
                metrics.put(m, floats(result.get("metric/" + m).orElseThrow()));
            }
            updates += steps;
            if (program.updatesInPlace()) {
                // the state tensors hold the new values; the result holds only this call's metrics
                if (lastResult != null) {
                    lastResult.close();
                }
            } else {
                Map<String, OnnxTensor> next = new LinkedHashMap<>();
                for (String name : program.stateNames()) {
                    next.put(name, (OnnxTensor) result.get(TrainingProgram.nextName(name)).orElseThrow());
                }
                releaseState(); // closes the previous result, which held the state this call read
                state.putAll(next);
            }
            lastResult = result;
            return metrics;
        } catch (OrtException e) {
            throw new IllegalStateException("training step failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** One call of the session (of the way of waiting chosen for it); a failed one leaves in-place state torn. */
    private OrtSession.Result call(Map<String, OnnxTensorLike> inputs, int steps) throws OrtException {
        try {
            if (waits == null) {
                return engine.run(sessions.get(engine.threadWait()), inputs);
            }
            ThreadWait way = waits.next();
            lastWait = way;
            long othersBefore = otherCpu.map(OtherCpuTime::ticks).orElse(-1L);
            OrtSession session = sessions.computeIfAbsent(way, w -> engine.session(model, w));
            long start = System.nanoTime();
            OrtSession.Result result = engine.run(session, inputs);
            long nanos = System.nanoTime() - start;
            long othersAfter = otherCpu.map(OtherCpuTime::ticks).orElse(-1L);
            double others = othersBefore < 0 || othersAfter < 0 ? -1
                    : Math.max(othersAfter - othersBefore, 0) / OtherCpuTime.TICKS_PER_SECOND * 1e9;
            waits.record(way, steps, nanos, (long) others);
            lastOtherCpuShare = others < 0 ? Double.NaN : others / nanos;
            return result;
        } catch (OrtException | RuntimeException e) {
            torn = program.updatesInPlace();
            throw e;
        }
    }

    private void requireWhole() {
        if (torn) {
            throw new IllegalStateException("a call that updated the parameters in place failed part way: they hold some of"
                    + " its steps' updates; restore a checkpoint before training or reading them");
        }
    }

    /**
     * The current parameter tensors by name, valid until the next {@link #run} or restore (updated
     * in place, the next run changes their values).
     */
    public Map<String, OnnxTensor> parameters() {
        requireWhole();
        Map<String, OnnxTensor> out = new LinkedHashMap<>();
        program.parameters().forEach(p -> out.put(p.name(), state.get(p.name())));
        return out;
    }

    /** A copy of every parameter and slot, e.g. for a checkpoint. */
    public Map<String, float[]> snapshot() {
        requireWhole();
        Map<String, float[]> out = new LinkedHashMap<>();
        state.forEach((name, t) -> out.put(name, floats(t)));
        return out;
    }

    private Map<String, long[]> stateShapes() {
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

    private void releaseState() {
        ownedState.forEach(OnnxTensor::close);
        ownedState.clear();
        if (lastResult != null) {
            lastResult.close();
            lastResult = null;
        }
        state.clear();
    }

    @Override
    public void close() {
        releaseState();
        chunkTensors.values().forEach(OnnxTensor::close);
        lrTensor.close();
        sessions.values().forEach(OrtEngine::close);
    }
}
