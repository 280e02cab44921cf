package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An exported {@code encoder.onnx}, used from the file and its metadata alone. */
public final class EncoderFile implements AutoCloseable {
    private final ModelFile file;

    private EncoderFile(ModelFile file) {
        this.file = file;
    }

    /** Opens an encoder; see {@link ModelFile#open} for the errors. */
    public static EncoderFile open(Path path, int threads) {
        return new EncoderFile(ModelFile.open(path, Role.ENCODER, threads, "--encoder"));
    }

    public ModelCard card() {
        return file.card();
    }

    /**
     * The posterior of each image.
     *
     * @param labels one class per image for a conditional model, else empty
     * @throws VaelabException when the images are not the model's shape or the labels do not fit
     */
    public Latents encode(Images images, Optional<int[]> labels, String labelsOption) {
        ModelCard card = file.card();
        if (images.channels() != card.channels() || images.height() != card.height() || images.width() != card.width()) {
            throw new VaelabException("the images are " + images.shapeText() + " (channels x rows x columns); the encoder takes "
                    + card.channels() + "x" + card.height() + "x" + card.width() + " (vaelab.image_shape)");
        }
        Optional<int[]> checked = Labels.check(labels, images.count(), card, labelsOption);
        Map<String, float[]> feeds = new HashMap<>();
        feeds.put("x", images.pixels());
        checked.ifPresent(l -> feeds.put("y", Labels.oneHot(l, card.numClasses())));
        Map<String, float[]> out = file.run(feeds, images.count());
        return new Latents(out.get("mu"), out.get("logvar"), images.count(), card.latentDim());
    }

    @Override
    public void close() {
        file.close();
    }
}
