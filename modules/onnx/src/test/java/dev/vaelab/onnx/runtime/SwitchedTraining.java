package dev.vaelab.onnx.runtime;

import dev.vaelab.onnx.SystemProperties;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Trains a program with one engine switch set, for the tests that compare an engine's two ways of
 * running the same graph: 30 Adam steps (3 calls of 10) on fixed random data at learning rate 0.01,
 * the same seeds every time, so that two engines see the same inputs.
 */
final class SwitchedTraining {
    private SwitchedTraining() {
    }

    /** The losses of the 30 steps, {@code -Dproperty=value} while the engine is made; the property restored after. */
    static float[] losses(TrainingProgram program, String property, String value, int valuesPerStep) {
        return SystemProperties.call(property, value, () -> {
            try (TrainingSession session = new TrainingSession(new OrtEngine(2, true), program, 10)) {
                session.initialize(new SplittableRandom(3));
                Random random = new Random(9);
                float[] losses = new float[30];
                for (int call = 0; call < 3; call++) {
                    FloatBuffer chunk = session.chunk("x");
                    for (int i = 0; i < 10 * valuesPerStep; i++) {
                        chunk.put(random.nextFloat());
                    }
                    float[] lr = new float[10];
                    Arrays.fill(lr, 0.01f);
                    System.arraycopy(session.run(10, lr).get("loss"), 0, losses, call * 10, 10);
                }
                return losses;
            }
        });
    }
}
