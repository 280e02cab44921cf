package dev.vaelab.zoo.objective;

import dev.vaelab.core.random.RandomStreams;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** The standard-normal reparameterisation noise of a step input, {@code perStep} draws per step. */
final class GaussianNoise {
    private final String input;
    private final float[] draws;

    GaussianNoise(String input, int perStep) {
        this.input = input;
        this.draws = new float[perStep];
    }

    void fill(StepFeeds feeds, int steps, SplittableRandom noise) {
        FloatBuffer chunk = feeds.chunk(input);
        for (int i = 0; i < steps; i++) {
            RandomStreams.fillGaussian(noise, draws);
            chunk.put(draws);
        }
    }
}
