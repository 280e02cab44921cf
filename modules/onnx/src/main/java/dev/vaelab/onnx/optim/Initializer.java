package dev.vaelab.onnx.optim;

import dev.vaelab.onnx.graph.Shape;
import java.util.SplittableRandom;

/** How a parameter's initial values are drawn from a seeded stream. */
@FunctionalInterface
public interface Initializer {
    float[] values(Shape shape, SplittableRandom random);

    static Initializer zeros() {
        return (shape, random) -> new float[Math.toIntExact(shape.size())];
    }

    static Initializer constant(float value) {
        return (shape, random) -> {
            float[] out = new float[Math.toIntExact(shape.size())];
            java.util.Arrays.fill(out, value);
            return out;
        };
    }

    /** Uniform on (-bound, bound). */
    static Initializer uniform(double bound) {
        return (shape, random) -> {
            float[] out = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
            return out;
        };
    }

    /**
     * PyTorch's default for {@code nn.Linear} and convolutions, weight and bias alike:
     * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform with a = sqrt(5) reduces to this bound).
     */
    static Initializer pytorchDefault(long fanIn) {
        return uniform(1.0 / Math.sqrt(fanIn));
    }
}
