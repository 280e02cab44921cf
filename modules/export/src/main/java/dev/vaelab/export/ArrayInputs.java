package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.data.numpy.NpyArray;
import dev.vaelab.data.numpy.NpyFile;
import dev.vaelab.data.numpy.NpyImages;
import dev.vaelab.data.numpy.NpzFile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Images to encode from a NumPy file, read as the {@code numpy} dataset reads its training images ({@link NpyImages}:
 * uint8 as it is, binary uint8 and bool as 0 and 255, floats in [0, 1] times 255 rounded; {@code [N, H, W]},
 * {@code [N, H, W, C]} or {@code [N, C, H, W]} by its layout rule), so an encoder trained on arrays encodes arrays
 * like them, and {@code vaelab sample --out FILE.npy} reads back: an {@code .npy}, or an {@code .npz}'s array
 * {@code key}. The images must have the model's shape; arrays are not resized.
 */
public final class ArrayInputs {
    private ArrayInputs() {
    }

    /** The images of the array, ready to count and check before any is read. */
    public static NpyImages open(Path file, boolean npz, String key) {
        NpyArray array = npz ? member(file, key, "--images") : NpyFile.open(file);
        NpyImages images = NpyImages.of(array, Optional.empty());
        if (images.count() > Integer.MAX_VALUE) {
            throw new VaelabException("--input " + file + " holds " + images.count() + " images; encode fewer at a time");
        }
        return images;
    }

    /**
     * The first {@code count} labels of the {@code .npz}'s array {@code key}: {@code [N]} integers, class indices as
     * the numpy dataset's {@code labels} key holds them (their range is the model's to check).
     */
    public static int[] labels(Path file, String key, int count) {
        NpyArray array = member(file, key, "--labels-key");
        if (array.rank() != 1 || !array.dtype().isInteger()) {
            throw new VaelabException("--labels-key " + key + ": " + array.where() + " must be [N] integers (class indices);"
                    + " found dtype " + array.dtype() + ", shape " + java.util.Arrays.toString(array.shape()));
        }
        if (array.rows() < count) {
            throw new VaelabException("--labels-key " + key + ": " + array.where() + " holds " + array.rows() + " labels for "
                    + count + " images");
        }
        long[] raw = array.readLongs();
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            if (raw[i] < 0 || raw[i] > Integer.MAX_VALUE) {
                throw new VaelabException("--labels-key " + key + ": label " + raw[i] + " at [" + i + "] is not a class index");
            }
            labels[i] = (int) raw[i];
        }
        return labels;
    }

    /** The {@code .npz}'s array {@code key}; a missing one is an error listing those present and naming {@code option}. */
    private static NpyArray member(Path file, String key, String option) {
        NpzFile archive = NpzFile.open(file);
        if (!archive.arrays().containsKey(key)) {
            throw new VaelabException("--input " + file + " has no array '" + key + "'; it holds "
                    + (archive.arrays().isEmpty() ? "no arrays" : String.join(", ", archive.arrays().keySet()))
                    + "; name the array with " + option + " KEY");
        }
        return archive.array(key);
    }

    /**
     * The first {@code limit} images of {@code images} (all of them where {@code limit} is larger), values pixel/255.
     *
     * @throws VaelabException where their shape is not the card's
     */
    public static Images read(Path file, NpyImages images, ModelCard card, long limit) {
        String shape = images.shape().channels() + "x" + images.shape().height() + "x" + images.shape().width();
        String wanted = card.channels() + "x" + card.height() + "x" + card.width();
        if (!shape.equals(wanted)) {
            throw new VaelabException("--input " + file + " holds " + shape + " images (channels x rows x columns); the "
                    + "model takes " + wanted + " (vaelab.image_shape), and arrays are not resized");
        }
        int count = (int) Math.min(limit, images.count());
        int values = images.shape().size();
        float[] pixels = new float[Math.multiplyExact(count, values)];
        NpyImages.Scaling scaling = images.scan();
        images.forEach(scaling, (index, bytes) -> {
            if (index < count) {
                Images.putIntensities(bytes, values, pixels, (int) index * values);
            }
        });
        return new Images(pixels, count, card.channels(), card.height(), card.width());
    }
}
