package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import dev.vaelab.onnx.runtime.TrainingSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/** The {@link StepSession} of a real run: an ONNX Runtime {@link TrainingSession}. */
final class OrtStepSession implements StepSession {
    private final TrainingSession session;

    OrtStepSession(TrainingSession session) {
        this.session = session;
    }

    @Override
    public void initialize(SplittableRandom random) {
        session.initialize(random);
    }

    @Override
    public void restore(Map<String, float[]> values, long updatesDone) {
        session.restore(values, updatesDone);
    }

    @Override
    public long updates() {
        return session.updates();
    }

    @Override
    public FloatBuffer chunk(String stepInput) {
        return session.chunk(stepInput);
    }

    @Override
    public ByteBuffer byteChunk(String stepInput) {
        return session.byteChunk(stepInput);
    }

    @Override
    public Map<String, float[]> run(int steps, float[] lr) {
        return session.run(steps, lr);
    }

    @Override
    public Map<String, OnnxTensor> parameters() {
        return session.parameters();
    }

    @Override
    public Map<String, float[]> snapshot() {
        return session.snapshot();
    }

    @Override
    public void close() {
        session.close();
    }
}
