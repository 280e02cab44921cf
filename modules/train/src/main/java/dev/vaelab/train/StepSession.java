package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the training loop needs of the engine: chunks of step inputs to fill, a call that runs up
 * to {@code stepsPerCall} updates on them, and the parameters between calls. The ONNX Runtime
 * session is one implementation ({@link OrtStepSession}); tests use a fake that counts calls.
 */
public interface StepSession extends AutoCloseable {
    /** Draws every parameter from its initializer and zeroes the optimizer state. */
    void initialize(SplittableRandom random);

    /** Replaces parameters and optimizer state, e.g. from a checkpoint. */
    void restore(Map<String, float[]> values, long updatesDone);

    /** Updates applied so far. */
    long updates();

    /** The buffer to fill with the next chunk of a float step input, laid out [stepsPerCall, ...]. */
    FloatBuffer chunk(String stepInput);

    /** The buffer to fill with the next chunk of a uint8 step input, laid out [stepsPerCall, ...]. */
    ByteBuffer byteChunk(String stepInput);

    /** Runs {@code steps} updates on the chunks filled so far; each metric's per-step values. */
    Map<String, float[]> run(int steps, float[] lr);

    /** The current parameter tensors by name, valid until the next {@link #run} or restore. */
    Map<String, OnnxTensor> parameters();

    /** A copy of every parameter and optimizer slot. */
    Map<String, float[]> snapshot();

    @Override
    void close();
}
