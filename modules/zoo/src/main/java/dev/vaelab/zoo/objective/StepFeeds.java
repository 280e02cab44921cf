package dev.vaelab.zoo.objective;

import java.nio.FloatBuffer;

/** Where an objective writes its per-step inputs: the next chunk of a float step input, [S, ...]. */
@FunctionalInterface
public interface StepFeeds {
    FloatBuffer chunk(String stepInput);
}
