package dev.vaelab.data.numpy;

import dev.vaelab.core.error.DataException;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.Factor;
import dev.vaelab.data.ImageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The images of a NumPy file with their optional labels and factors, checked against each other:
 * what the {@code numpy} and {@code dsprites} datasets read. Labels and factors are read whole when
 * this is built (they are small); images are streamed only by {@link #write}.
 *
 * <p>Labels are a {@code [N]} integer array of class indices {@code 0..K-1}, named {@code "0"} to
 * {@code "K-1"}. Factors are {@code [N]} or {@code [N, F]}: integer columns are class indices as they
 * are, float columns have each distinct value mapped to a class in ascending order, up to
 * {@link #MAX_FLOAT_CLASSES} distinct values per column.
 */
final class NumpyContent {
    static final int MAX_FLOAT_CLASSES = 1000;
    static final int MAX_CLASSES = 100_000;

    private final NpyImages images;
    private final int count;
    private final int[] labels;
    private final List<String> labelNames;
    private final int[] factorClasses;
    private final List<Factor> factors;

    private NumpyContent(NpyImages images, int count, int[] labels, List<String> labelNames, int[] factorClasses, List<Factor> factors) {
        this.images = images;
        this.count = count;
        this.labels = labels;
        this.labelNames = labelNames;
        this.factorClasses = factorClasses;
        this.factors = factors;
    }

    /**
     * Checks and reads the arrays.
     *
     * @param imageArray the images
     * @param labelArray the labels, if any
     * @param factorArray the factor classes or values, if any
     * @param columns which factor columns to use (all when empty)
     * @param factorNames the factors' names, one per used column; {@code factor_0}, ... when empty
     */
    static NumpyContent read(NpyArray imageArray, Optional<ImageLayout> layout, Optional<NpyArray> labelArray, Optional<NpyArray> factorArray,
            int[] columns, List<String> factorNames) {
        NpyImages images = NpyImages.of(imageArray, layout);
        if (images.count() > Integer.MAX_VALUE - 8) {
            throw imageArray.error(images.count() + " images, more than one dataset may hold");
        }
        int count = (int) images.count();
        int[] labels = null;
        List<String> labelNames = List.of();
        if (labelArray.isPresent()) {
            NpyArray array = labelArray.get();
            requireRows(array, count, imageArray, 1);
            long[] raw = array.readLongs();
            labels = new int[count];
            long max = 0;
            for (int i = 0; i < count; i++) {
                if (raw[i] < 0 || raw[i] >= MAX_CLASSES) {
                    throw array.error("label " + raw[i] + " at [" + i + "] is not a class index (0 to " + (MAX_CLASSES - 1) + ")");
                }
                labels[i] = (int) raw[i];
                max = Math.max(max, raw[i]);
            }
            List<String> names = new ArrayList<>();
            for (int k = 0; k <= max; k++) {
                names.add(Integer.toString(k));
            }
            labelNames = List.copyOf(names);
        }
        int[] factorClasses = new int[0];
        List<Factor> factors = List.of();
        if (factorArray.isPresent()) {
            NpyArray array = factorArray.get();
            requireRows(array, count, imageArray, 2);
            int width = array.rank() == 1 ? 1 : (int) array.shape()[1];
            int[] used = columns.length == 0 ? java.util.stream.IntStream.range(0, width).toArray() : columns;
            for (int c : used) {
                if (c >= width) {
                    throw array.error("has " + width + " columns, factor column " + c + " does not exist");
                }
            }
            if (!factorNames.isEmpty() && factorNames.size() != used.length) {
                throw array.error("has " + used.length + " factor columns but " + factorNames.size() + " factor names are given");
            }
            factorClasses = new int[Math.multiplyExact(count, used.length)];
            List<Factor> list = new ArrayList<>();
            boolean integer = array.dtype().isInteger();
            long[] longs = integer ? array.readLongs() : null;
            double[] doubles = integer ? null : array.readDoubles();
            for (int f = 0; f < used.length; f++) {
                String name = factorNames.isEmpty() ? "factor_" + used[f] : factorNames.get(f);
                list.add(integer ? integerFactor(array, longs, width, used[f], count, name, factorClasses, used.length, f)
                        : floatFactor(array, doubles, width, used[f], count, name, factorClasses, used.length, f));
            }
            factors = List.copyOf(list);
        }
        return new NumpyContent(images, count, labels, labelNames, factorClasses, factors);
    }

    private static void requireRows(NpyArray array, int count, NpyArray images, int maxRank) {
        if (array.rank() < 1 || array.rank() > maxRank || array.rows() != count) {
            String expected = maxRank == 1 ? "[" + count + "]" : "[" + count + "] or [" + count + ", F]";
            throw array.error("shape " + array.header().shapeText() + " does not fit " + images.where() + "'s " + count
                    + " images: expected " + expected);
        }
    }

    private static Factor integerFactor(NpyArray array, long[] values, int width, int column, int count, String name, int[] out, int used,
            int f) {
        long max = 0;
        for (int i = 0; i < count; i++) {
            long v = values[i * width + column];
            if (v < 0 || v >= MAX_CLASSES) {
                throw array.error("factor class " + v + " at [" + i + ", " + column + "] is not a class index (0 to " + (MAX_CLASSES - 1) + ")");
            }
            out[i * used + f] = (int) v;
            max = Math.max(max, v);
        }
        List<Double> classes = new ArrayList<>();
        for (int k = 0; k <= max; k++) {
            classes.add((double) k);
        }
        return new Factor(name, classes);
    }

    private static Factor floatFactor(NpyArray array, double[] values, int width, int column, int count, String name, int[] out, int used,
            int f) {
        TreeSet<Double> distinct = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            double v = values[i * width + column];
            if (!Double.isFinite(v)) {
                throw array.error("factor value " + v + " at [" + i + ", " + column + "] is not a finite number");
            }
            distinct.add(v);
            if (distinct.size() > MAX_FLOAT_CLASSES) {
                throw array.error("factor column " + column + " has more than " + MAX_FLOAT_CLASSES + " distinct values, too many to be "
                        + "classes; give factor classes as integers, or discretize the values");
            }
        }
        double[] sorted = distinct.stream().mapToDouble(Double::doubleValue).toArray();
        for (int i = 0; i < count; i++) {
            out[i * used + f] = Arrays.binarySearch(sorted, values[i * width + column]);
        }
        return new Factor(name, Arrays.stream(sorted).boxed().toList());
    }

    int count() {
        return count;
    }

    NpyImages images() {
        return images;
    }

    List<String> labelNames() {
        return labelNames;
    }

    List<Factor> factors() {
        return factors;
    }

    /** What the dataset is; bool images are known to be binary, other dtypes only once scanned. */
    DatasetInfo info(String name) {
        return new DatasetInfo(name, images.shape(), labelNames, factors, images.array().dtype().kind() == NpyDtype.Kind.BOOL);
    }

    ImageStore.Layout layout() {
        return new ImageStore.Layout(images.shape(), count, labels != null, factors.size());
    }

    /** Streams the images, scaled as a first pass decides, with their labels and factor classes into {@code writer}. */
    void write(ImageStore.Writer writer) {
        NpyImages.Scaling scaling = images.scan();
        int f = factors.size();
        int[] classes = new int[f];
        images.forEach(scaling, (index, pixels) -> {
            int i = (int) index;
            System.arraycopy(factorClasses, i * f, classes, 0, f);
            writer.add(pixels, 0, labels == null ? 0 : labels[i], classes);
        });
    }

    /** A key of the file's identity (absolute path, size, modification time), for the dataset cache. */
    static String fileKey(Path file) {
        try {
            return file.toAbsolutePath().normalize() + "\t" + Files.size(file) + "\t" + Files.getLastModifiedTime(file).toMillis();
        } catch (java.io.IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
    }
}
