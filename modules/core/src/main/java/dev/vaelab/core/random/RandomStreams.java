package dev.vaelab.core.random;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Independent, reproducible random streams derived from one experiment seed.
 *
 * <p>Every consumer of randomness (parameter init, shuffling, binarization, reparameterization
 * noise, evaluation noise) asks for its own stream by purpose name, so adding a new consumer never
 * shifts the numbers another one draws. The same seed and purpose always give the same stream.
 */
public final class RandomStreams {
    private final long seed;

    public RandomStreams(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The stream for {@code purpose}, e.g. {@code "init"} or {@code "noise"}. */
    public SplittableRandom stream(String purpose) {
        return new SplittableRandom(mix(seed, purpose));
    }

    /** The stream for {@code purpose} at a given index, e.g. the binarization of epoch {@code index}. */
    public SplittableRandom stream(String purpose, long index) {
        return new SplittableRandom(splitMix(mix(seed, purpose) ^ splitMix(index + 0x632BE59BD9B4E019L)));
    }

    private static long mix(long seed, String purpose) {
        long h = 0xCBF29CE484222325L; // FNV-1a over the purpose name
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        return splitMix(seed ^ splitMix(h));
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A standard normal draw (Box-Muller on the stream's doubles; both values are used). */
    public static void fillGaussian(SplittableRandom random, float[] out) {
        for (int i = 0; i < out.length; i += 2) {
            double u1 = 1.0 - random.nextDouble(); // (0, 1], so log never sees 0
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            out[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < out.length) {
                out[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
    }
}
