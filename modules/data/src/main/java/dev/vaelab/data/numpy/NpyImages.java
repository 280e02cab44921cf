package dev.vaelab.data.numpy;

import dev.vaelab.data.ImageShape;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an image array as uint8 images, channels first ({@code C×H×W}), one at a time.
 *
 * <p>The values become bytes by the array's dtype:
 *
 * <ul>
 *   <li>{@code uint8} in {@code [0, 255]} is used as is, except that an array whose values are all 0
 *       or 1 (dSprites) is binary and becomes 0 and 255;
 *   <li>{@code bool} becomes 0 and 255;
 *   <li>{@code float32}/{@code float64} must lie in {@code [0, 1]} and become {@code round(v * 255)};
 *       any other value (NaN included) is an error naming its index.
 * </ul>
 *
 * RGBA arrays (4 channels) lose their alpha channel; images come out with 1 or 3 channels. Deciding
 * on the scaling needs one pass over the data before the pass that delivers it.
 */
public final class NpyImages {
    /** How stored values become bytes. */
    public enum Scaling {
        /** uint8 used as is. */
        AS_IS,
        /** uint8 or bool holding only 0 and 1, multiplied by 255. */
        BINARY,
        /** floats in [0, 1], times 255, rounded. */
        UNIT_FLOAT
    }

    /** Receives image {@code index}, {@code C×H×W} bytes in a buffer that is reused for the next image. */
    @FunctionalInterface
    public interface ImageConsumer {
        void accept(long index, byte[] pixels);
    }

    private static final int CHUNK_BYTES = 1 << 22;

    private final NpyArray array;
    private final ImageLayout layout;
    private final ImageShape stored;
    private final ImageShape shape;

    private NpyImages(NpyArray array, ImageLayout layout, ImageShape stored) {
        this.array = array;
        this.layout = layout;
        this.stored = stored;
        this.shape = stored.channels() == 4 ? new ImageShape(3, stored.height(), stored.width()) : stored;
    }

    /**
     * The images of {@code array}, laid out as {@code layout} says or by {@link ImageLayout#infer}'s rule;
     * a wrong dtype, rank or ambiguous shape is an error naming the array and what was found.
     */
    public static NpyImages of(NpyArray array, Optional<ImageLayout> layout) {
        NpyDtype dtype = array.dtype();
        boolean usable = dtype.isUint8() || dtype.kind() == NpyDtype.Kind.BOOL || dtype.kind() == NpyDtype.Kind.FLOAT;
        if (!usable) {
            throw array.error("images must be uint8 (0 to 255), bool, or float32/float64 (0 to 1); found dtype " + dtype);
        }
        try {
            ImageLayout chosen = layout.orElseGet(() -> ImageLayout.infer(array.shape()));
            ImageShape stored = chosen.storedShape(array.shape());
            return new NpyImages(array, chosen, stored);
        } catch (IllegalArgumentException e) {
            throw array.error(e.getMessage());
        }
    }

    /** The shape of one image as delivered: 1 or 3 channels. */
    public ImageShape shape() {
        return shape;
    }

    public ImageLayout layout() {
        return layout;
    }

    /** The number of images. */
    public long count() {
        return array.rows();
    }

    public NpyArray array() {
        return array;
    }

    /** Reads the data once to decide how values become bytes, and to reject floats outside [0, 1] before anything is written. */
    public Scaling scan() {
        NpyDtype dtype = array.dtype();
        if (dtype.kind() == NpyDtype.Kind.BOOL) {
            return Scaling.BINARY;
        }
        int rowElements = (int) array.rowElements();
        if (dtype.isUint8()) {
            boolean[] binary = {true};
            // Stops at the first value above 1: grey images are known as such after a few bytes.
            array.visitChunks(CHUNK_BYTES, (first, rows, data) -> {
                byte[] bytes = data.array();
                int n = rows * rowElements;
                for (int i = 0; i < n; i++) {
                    if ((bytes[i] & 0xff) > 1) {
                        binary[0] = false;
                        return false;
                    }
                }
                return true;
            });
            return binary[0] ? Scaling.BINARY : Scaling.AS_IS;
        }
        array.forEachChunk(CHUNK_BYTES, (first, rows, data) -> {
            int n = rows * rowElements;
            for (int i = 0; i < n; i++) {
                double v = dtype.getDouble(data, i);
                if (!(v >= 0 && v <= 1)) {
                    throw array.error("value " + v + " at " + index(first * rowElements + i) + " is outside [0, 1]; float images must lie in "
                            + "[0, 1] (or be uint8 in [0, 255])");
                }
            }
        });
        return Scaling.UNIT_FLOAT;
    }

    /** Delivers every image in order, converted by {@code scaling} (from {@link #scan}). */
    public void forEach(Scaling scaling, ImageConsumer consumer) {
        NpyDtype dtype = array.dtype();
        int rowElements = (int) array.rowElements();
        int c = shape.channels();
        int storedChannels = stored.channels();
        int plane = shape.height() * shape.width();
        byte[] pixels = new byte[shape.size()];
        array.forEachChunk(CHUNK_BYTES, (first, rows, data) -> {
            for (int r = 0; r < rows; r++) {
                int base = r * rowElements;
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < plane; p++) {
                        int source = base + (layout == ImageLayout.NHWC ? p * storedChannels + ch : ch * plane + p);
                        pixels[ch * plane + p] = toByte(dtype, scaling, data, source);
                    }
                }
                consumer.accept(first + r, pixels);
            }
        });
    }

    private static byte toByte(NpyDtype dtype, Scaling scaling, ByteBuffer data, int index) {
        return switch (scaling) {
            case AS_IS -> data.get(index);
            case BINARY -> data.get(index) != 0 ? (byte) 255 : 0;
            case UNIT_FLOAT -> (byte) Math.round(dtype.getDouble(data, index) * 255);
        };
    }

    /** The array index of flat element {@code flat}, as NumPy writes it: {@code [3, 0, 12, 7]}. */
    private String index(long flat) {
        long[] dims = array.shape();
        long[] at = new long[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            at[d] = flat % dims[d];
            flat /= dims[d];
        }
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < at.length; d++) {
            sb.append(d == 0 ? "" : ", ").append(at[d]);
        }
        return sb.append(']').toString().toLowerCase(Locale.ROOT);
    }
}
