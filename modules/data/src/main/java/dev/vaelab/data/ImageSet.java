package dev.vaelab.data;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable set of images held in memory as unsigned bytes, with optional class labels.
 *
 * <p>Pixels are uint8, example after example, each image row-major with channels first
 * ({@code [count, C, H, W]}); a model sees {@code pixel / 255}. Bytes keep MNIST's 60000 training
 * images at 47 MB where floats would take 188 MB. Binary images hold the values 0 and 255.
 *
 * <p>Nothing hands out the backing arrays: {@link #pixels()} and {@link #labels()} are read-only
 * views, and {@link #slice} shares the arrays without copying, which is safe because nobody can
 * write them.
 */
public final class ImageSet {
    private final ImageShape shape;
    private final byte[] pixels;
    private final int[] labels;
    private final int first;
    private final int count;
    private final List<String> labelNames;

    private ImageSet(ImageShape shape, byte[] pixels, int[] labels, int first, int count, List<String> labelNames) {
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
        this.first = first;
        this.count = count;
        this.labelNames = labelNames;
    }

    /**
     * An image set holding copies of the given arrays.
     *
     * @param shape the shape of one image
     * @param pixels {@code count * shape.size()} uint8 values
     * @param labels one class index per image in {@code [0, labelNames.size())}, or empty when unlabelled
     * @param labelNames the class names; empty when unlabelled
     */
    public static ImageSet of(ImageShape shape, byte[] pixels, Optional<int[]> labels, List<String> labelNames) {
        return wrap(shape, pixels.clone(), labels.map(int[]::clone).orElse(null), labelNames);
    }

    /** Takes ownership of the arrays: the caller must not write them afterwards. */
    static ImageSet wrap(ImageShape shape, byte[] pixels, int[] labels, List<String> labelNames) {
        Objects.requireNonNull(shape, "shape");
        List<String> names = List.copyOf(labelNames);
        if (pixels.length % shape.size() != 0) {
            throw new IllegalArgumentException(pixels.length + " pixels are not a whole number of " + shape + " images");
        }
        int count = pixels.length / shape.size();
        if (labels != null) {
            if (labels.length != count) {
                throw new IllegalArgumentException(labels.length + " labels for " + count + " images");
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("labels need label names");
            }
            for (int label : labels) {
                if (label < 0 || label >= names.size()) {
                    throw new IllegalArgumentException("label " + label + " outside [0, " + names.size() + ")");
                }
            }
        } else if (!names.isEmpty()) {
            throw new IllegalArgumentException("label names given without labels");
        }
        return new ImageSet(shape, pixels, labels, 0, count, names);
    }

    /** Number of images. */
    public int count() {
        return count;
    }

    /** The shape of one image. */
    public ImageShape shape() {
        return shape;
    }

    public int channels() {
        return shape.channels();
    }

    public int height() {
        return shape.height();
    }

    public int width() {
        return shape.width();
    }

    /** Values per image, {@code C*H*W}. */
    public int imageSize() {
        return shape.size();
    }

    /** Pixel {@code index} (row-major within the image) of image {@code example}, in {@code [0, 255]}. */
    public int pixel(int example, int index) {
        Objects.checkIndex(example, count);
        Objects.checkIndex(index, shape.size());
        return pixels[(first + example) * shape.size() + index] & 0xff;
    }

    /** A read-only view of all pixels, {@code count * imageSize()} bytes starting at position 0. */
    public ByteBuffer pixels() {
        return ByteBuffer.wrap(pixels, first * shape.size(), count * shape.size()).slice().asReadOnlyBuffer();
    }

    /** Whether the images have class labels. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** The class of image {@code example}; fails when the set has no labels. */
    public int label(int example) {
        if (labels == null) {
            throw new IllegalStateException("this image set has no labels");
        }
        Objects.checkIndex(example, count);
        return labels[first + example];
    }

    /** A read-only view of the labels, one per image, or empty when unlabelled. */
    public Optional<IntBuffer> labels() {
        return labels == null ? Optional.empty() : Optional.of(IntBuffer.wrap(labels, first, count).slice().asReadOnlyBuffer());
    }

    /** Number of classes, 0 when unlabelled. */
    public int numClasses() {
        return labelNames.size();
    }

    /** The class names, indexed by label; empty when unlabelled. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** Images {@code [from, to)} of this set, sharing its storage. */
    public ImageSet slice(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        return new ImageSet(shape, pixels, labels, first + from, to - from, labelNames);
    }

    /** The same images with other pixels of the same size, e.g. a binarized copy; takes ownership of {@code newPixels}. */
    ImageSet withPixels(byte[] newPixels) {
        if (newPixels.length != count * shape.size()) {
            throw new IllegalArgumentException(newPixels.length + " pixels for " + count + " images of " + shape);
        }
        int[] ownLabels = labels == null ? null : Arrays.copyOfRange(labels, first, first + count);
        return new ImageSet(shape, newPixels, ownLabels, 0, count, labelNames);
    }

    /** The backing array, for the batch writers of this package; pixel data of image i starts at {@link #offset}(i). */
    byte[] pixelArray() {
        return pixels;
    }

    /** Index in {@link #pixelArray()} of the first pixel of image {@code example}. */
    int offset(int example) {
        return (first + example) * shape.size();
    }

    /** The label of {@code example} without bounds or presence checks, for the batch writers. */
    int rawLabel(int example) {
        return labels[first + example];
    }

    @Override
    public String toString() {
        return "ImageSet[" + count + " x " + shape + (labels == null ? ", unlabelled" : ", " + labelNames.size() + " classes") + "]";
    }
}
