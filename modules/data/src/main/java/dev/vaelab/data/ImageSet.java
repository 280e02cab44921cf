package dev.vaelab.data;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable set of uint8 images with optional class labels and ground-truth factor classes.
 *
 * <p>Pixels are uint8, each image row-major with channels first ({@code [C, H, W]}); a model sees
 * {@code pixel / 255}. Binary images hold the values 0 and 255. The pixels live on the heap (bytes keep
 * MNIST's 60000 training images at 47 MB where floats would take 188 MB) or in an
 * {@link ImageStore} for sets larger than memory; everything here, and the batch writers, read one
 * image at a time, so a set on disk is never copied whole. Labels and factor classes are small and
 * stay on the heap.
 *
 * <p>A set is a view of its storage: {@link #slice} and {@link #select} share it without copying,
 * which is safe because nobody can write it.
 */
public final class ImageSet {
    private final ImageShape shape;
    private final Pixels pixels;
    /** Class per storage image, or null. */
    private final int[] labels;
    /** Factor classes per storage image, {@code factors.size()} each, or null. */
    private final int[] factorClasses;
    private final List<String> labelNames;
    private final List<Factor> factors;
    /** Storage index of each example from {@code first}, or null for storage images {@code first, first + 1, ...}. */
    private final int[] index;
    private final int first;
    private final int count;

    private ImageSet(ImageShape shape, Pixels pixels, int[] labels, int[] factorClasses, List<String> labelNames, List<Factor> factors,
                     int[] index, int first, int count) {
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
        this.factorClasses = factorClasses;
        this.labelNames = labelNames;
        this.factors = factors;
        this.index = index;
        this.first = first;
        this.count = count;
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
        if (pixels.length % shape.size() != 0) {
            throw new IllegalArgumentException(pixels.length + " pixels are not a whole number of " + shape + " images");
        }
        return create(shape, new Pixels.Heap(pixels, shape.size()), labels, labelNames, null, List.of());
    }

    /**
     * A set over {@code pixels} with checked labels and factor classes; takes ownership of the arrays.
     *
     * @param labels one class per storage image, or null
     * @param factorClasses {@code factors.size()} classes per storage image, or null when there are no factors
     */
    static ImageSet create(ImageShape shape, Pixels pixels, int[] labels, List<String> labelNames, int[] factorClasses,
                           List<Factor> factors) {
        Objects.requireNonNull(shape, "shape");
        List<String> names = List.copyOf(labelNames);
        List<Factor> factorList = List.copyOf(factors);
        if (pixels.imageSize() != shape.size()) {
            throw new IllegalArgumentException("pixels of " + pixels.imageSize() + " bytes per image for images of " + shape);
        }
        int count = pixels.images();
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
        if (factorList.isEmpty() != (factorClasses == null)) {
            throw new IllegalArgumentException("factor classes and factor descriptions go together");
        }
        if (factorClasses != null) {
            int f = factorList.size();
            if (factorClasses.length != (long) count * f) {
                throw new IllegalArgumentException(factorClasses.length + " factor classes for " + count + " images of " + f + " factors");
            }
            for (int i = 0; i < factorClasses.length; i++) {
                Factor factor = factorList.get(i % f);
                if (factorClasses[i] < 0 || factorClasses[i] >= factor.classes()) {
                    throw new IllegalArgumentException("factor " + factor.name() + " of image " + i / f + " is class " + factorClasses[i]
                            + ", outside [0, " + factor.classes() + ")");
                }
            }
        }
        return new ImageSet(shape, pixels, labels, factorClasses, names, factorList, null, 0, count);
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
        return pixels.pixel(storage(example), index);
    }

    /**
     * All pixels, {@code count * imageSize()} bytes from position 0, read-only: a view of a heap set,
     * else a copy (for tests and small sets; batches are written image by image instead).
     */
    public ByteBuffer pixels() {
        long bytes = (long) count * shape.size();
        byte[] array = pixels.array();
        if (array != null && index == null) {
            return ByteBuffer.wrap(array, first * shape.size(), (int) bytes).slice().asReadOnlyBuffer();
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(this + " has " + bytes + " bytes of pixels, too many for one buffer");
        }
        byte[] out = new byte[(int) bytes];
        for (int i = 0; i < count; i++) {
            copyImage(i, out, i * shape.size());
        }
        return ByteBuffer.wrap(out).asReadOnlyBuffer();
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
        return labels[storage(example)];
    }

    /** A read-only view of the labels, one per image, or empty when unlabelled. */
    public Optional<IntBuffer> labels() {
        if (labels == null) {
            return Optional.empty();
        }
        if (index == null) {
            return Optional.of(IntBuffer.wrap(labels, first, count).slice().asReadOnlyBuffer());
        }
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = labels[storage(i)];
        }
        return Optional.of(IntBuffer.wrap(out).asReadOnlyBuffer());
    }

    /** Number of classes, 0 when unlabelled. */
    public int numClasses() {
        return labelNames.size();
    }

    /** The class names, indexed by label; empty when unlabelled. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** The ground-truth factors of the images; empty when the dataset has none. */
    public List<Factor> factors() {
        return factors;
    }

    /** Whether the images have ground-truth factor classes. */
    public boolean hasFactors() {
        return factorClasses != null;
    }

    /** The class of factor {@code factor} of image {@code example}; fails when the set has no factors. */
    public int factorClass(int example, int factor) {
        if (factorClasses == null) {
            throw new IllegalStateException("this image set has no factors");
        }
        Objects.checkIndex(example, count);
        Objects.checkIndex(factor, factors.size());
        return factorClasses[storage(example) * factors.size() + factor];
    }

    /** The factor classes of every image as {@code [count][factors]}, a copy (what the disentanglement metrics take). */
    public int[][] factorClasses() {
        if (factorClasses == null) {
            throw new IllegalStateException("this image set has no factors");
        }
        int f = factors.size();
        int[][] out = new int[count][f];
        for (int i = 0; i < count; i++) {
            System.arraycopy(factorClasses, storage(i) * f, out[i], 0, f);
        }
        return out;
    }

    /** Images {@code [from, to)} of this set, sharing its storage. */
    public ImageSet slice(int from, int to) {
        Objects.checkFromToIndex(from, to, count);
        return new ImageSet(shape, pixels, labels, factorClasses, labelNames, factors, index, first + from, to - from);
    }

    /** The images {@code examples[0], examples[1], ...} of this set in that order, sharing its storage. */
    public ImageSet select(int[] examples) {
        int[] storage = new int[examples.length];
        for (int i = 0; i < examples.length; i++) {
            Objects.checkIndex(examples[i], count);
            storage[i] = storage(examples[i]);
        }
        return new ImageSet(shape, pixels, labels, factorClasses, labelNames, factors, storage, 0, storage.length);
    }

    /** Whether the pixels are on the heap (else read from a store, or sampled from one when read). */
    public boolean inMemory() {
        return pixels.array() != null;
    }

    /** The same images with other pixels of the same size, e.g. a binarized copy; takes ownership of {@code newPixels}. */
    ImageSet withPixels(byte[] newPixels) {
        if (newPixels.length != (long) count * shape.size()) {
            throw new IllegalArgumentException(newPixels.length + " pixels for " + count + " images of " + shape);
        }
        return withPixels(new Pixels.Heap(newPixels, shape.size()));
    }

    /** The same images read through {@code newPixels}, whose image i is this set's example i. */
    ImageSet withPixels(Pixels newPixels) {
        int f = factors.size();
        int[] ownLabels = labels == null ? null : new int[count];
        int[] ownFactors = factorClasses == null ? null : new int[Math.multiplyExact(count, f)];
        for (int i = 0; i < count; i++) {
            int s = storage(i);
            if (ownLabels != null) {
                ownLabels[i] = labels[s];
            }
            if (ownFactors != null) {
                System.arraycopy(factorClasses, s * f, ownFactors, i * f, f);
            }
        }
        return new ImageSet(shape, newPixels, ownLabels, ownFactors, labelNames, factors, null, 0, count);
    }

    /** Copies the pixels of image {@code example} into {@code dst} from {@code at}. */
    void copyImage(int example, byte[] dst, int at) {
        pixels.copy(storage(example), dst, at);
    }

    /** Writes the pixels of image {@code example} into {@code out} from absolute index {@code at}. */
    void putImage(int example, ByteBuffer out, int at) {
        pixels.put(storage(example), out, at);
    }

    /** The heap array of the pixels, or null for a stored or sampled set; image i starts at {@link #offset}(i). */
    byte[] pixelArray() {
        return pixels.array();
    }

    /** Index in {@link #pixelArray()} of the first pixel of image {@code example}. */
    int offset(int example) {
        return storage(example) * shape.size();
    }

    /** The label of {@code example} without bounds or presence checks, for the batch writers. */
    int rawLabel(int example) {
        return labels[storage(example)];
    }

    private int storage(int example) {
        return index == null ? first + example : index[first + example];
    }

    @Override
    public String toString() {
        return "ImageSet[" + count + " x " + shape + (labels == null ? ", unlabelled" : ", " + labelNames.size() + " classes")
                + (factors.isEmpty() ? "" : ", " + factors.size() + " factors") + (inMemory() ? "" : ", on disk") + "]";
    }
}
