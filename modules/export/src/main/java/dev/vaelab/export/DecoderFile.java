package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An exported {@code decoder.onnx}, used from the file and its metadata alone. */
public final class DecoderFile implements AutoCloseable {
    private final ModelFile file;

    private DecoderFile(ModelFile file) {
        this.file = file;
    }

    /** Opens a decoder; see {@link ModelFile#open} for the errors. */
    public static DecoderFile open(Path path, int threads) {
        return new DecoderFile(ModelFile.open(path, Role.DECODER, threads, "--decoder"));
    }

    public ModelCard card() {
        return file.card();
    }

    /**
     * The likelihood's mean for each latent code, [count, C·H·W] in the scaling of the inputs
     * (pixel/255).
     *
     * @param z [count, L]
     * @param labels one class per code for a conditional model, else empty
     * @throws VaelabException when the codes or labels do not fit the model
     */
    public float[] mean(float[] z, int count, Optional<int[]> labels, String labelsOption) {
        ModelCard card = file.card();
        if (z.length != count * card.latentDim()) {
            throw new VaelabException(z.length + " latent values are not " + count + " codes of " + card.latentDim()
                    + " dimensions (vaelab.latent_dim)");
        }
        Optional<int[]> checked = Labels.check(labels, count, card, labelsOption);
        Map<String, float[]> feeds = new HashMap<>();
        feeds.put("z", z);
        checked.ifPresent(l -> feeds.put("y", Labels.oneHot(l, card.numClasses())));
        return file.run(feeds, count).get("mean");
    }

    @Override
    public void close() {
        file.close();
    }
}
