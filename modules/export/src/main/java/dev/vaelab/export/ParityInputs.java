package dev.vaelab.export;

import java.util.Objects;
import java.util.Optional;

/**
 * One set of inputs for a parity check: images (flattened, pixel/255), their labels for a
 * conditional model, and latent codes for the decoder. When {@code z} is empty the decoder is fed
 * the reference encoder's posterior means of the images, i.e. the codes real data produces.
 *
 * @param name says where the inputs come from in reports, e.g. {@code random} or {@code mnist test}
 * @param count examples
 * @param images [count, C·H·W]
 * @param labels [count] class indices, for a conditional model
 * @param z [count, L], or empty for the encoder's means
 */
public record ParityInputs(String name, int count, float[] images, Optional<int[]> labels, Optional<float[]> z) {
    public ParityInputs {
        Objects.requireNonNull(name, "name");
        if (count <= 0) {
            throw new IllegalArgumentException("parity needs at least one example");
        }
        if (images.length % count != 0) {
            throw new IllegalArgumentException(images.length + " pixel values do not split into " + count + " images");
        }
        if (labels.isPresent() && labels.get().length != count) {
            throw new IllegalArgumentException(labels.get().length + " labels for " + count + " images");
        }
    }
}
