package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongToDoubleFunction;

/**
 * A step session without an engine: it records what the loop fills and runs, and reports a loss
 * that is a function of the update's number, so tests know every value the listeners see.
 */
final class FakeStepSession implements StepSession {
    private final int stepsPerCall;
    private final LongToDoubleFunction loss;
    private final Map<String, FloatBuffer> floats = new HashMap<>();
    private final Map<String, ByteBuffer> bytes = new HashMap<>();
    /** The steps of each {@link #run} call, in order. */
    final List<Integer> calls = new ArrayList<>();
    /** Every float step input's values, concatenated over the calls, per input. */
    final Map<String, List<Float>> fed = new LinkedHashMap<>();
    final List<String> events = new ArrayList<>();
    private long updates;
    private boolean closed;

    FakeStepSession(int stepsPerCall, LongToDoubleFunction loss) {
        this.stepsPerCall = stepsPerCall;
        this.loss = loss;
    }

    @Override
    public void initialize(SplittableRandom random) {
        events.add("initialize");
    }

    @Override
    public void restore(Map<String, float[]> values, long updatesDone) {
        events.add("restore " + updatesDone);
        updates = updatesDone;
    }

    @Override
    public long updates() {
        return updates;
    }

    @Override
    public FloatBuffer chunk(String stepInput) {
        return floats.computeIfAbsent(stepInput, k -> ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.nativeOrder())
                .asFloatBuffer()).clear();
    }

    @Override
    public ByteBuffer byteChunk(String stepInput) {
        return bytes.computeIfAbsent(stepInput, k -> ByteBuffer.allocateDirect(1 << 22)).clear();
    }

    @Override
    public Map<String, float[]> run(int steps, float[] lr) {
        if (steps < 1 || steps > stepsPerCall) {
            throw new IllegalArgumentException("steps " + steps + " outside [1, " + stepsPerCall + "]");
        }
        calls.add(steps);
        floats.forEach((name, buffer) -> {
            List<Float> values = fed.computeIfAbsent(name, k -> new ArrayList<>());
            for (int i = 0; i < buffer.position(); i++) {
                values.add(buffer.get(i));
            }
        });
        float[] losses = new float[steps];
        float[] numbers = new float[steps];
        for (int i = 0; i < steps; i++) {
            losses[i] = (float) loss.applyAsDouble(updates + i + 1);
            numbers[i] = updates + i + 1;
        }
        updates += steps;
        Map<String, float[]> metrics = new LinkedHashMap<>();
        metrics.put("loss", losses);
        metrics.put("update", numbers);
        return metrics;
    }

    @Override
    public Map<String, OnnxTensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, float[]> snapshot() {
        return Map.of("updates", new float[] {updates});
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }
}
