package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datasets vaelab knows by name, with their published files and checksums.
 *
 * <p>The mirrors are a constructor argument so that tests, air-gapped sites and institutes with a
 * local copy can point downloads elsewhere; the files and checksums never change.
 */
public final class Catalog {
    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String BINARIZED_MNIST = "binarized-mnist";

    /** ossci is the mirror torchvision uses; the CVDF bucket is Google's copy of the same files. */
    public static final List<URI> MNIST_MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));

    public static final List<URI> FASHION_MNIST_MIRRORS = List.of(
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"));

    public static final List<URI> BINARIZED_MNIST_MIRRORS = List.of(
            URI.create("http://www.cs.toronto.edu/~larocheh/public/datasets/binarized_mnist/"));

    private static final ImageShape MNIST_SHAPE = new ImageShape(1, 28, 28);
    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final List<String> FASHION_LABELS = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private final Map<String, DatasetSpec> specs;

    /** The catalog with the canonical mirrors. */
    public Catalog() {
        this(Map.of());
    }

    /**
     * The catalog with the mirrors of some datasets replaced.
     *
     * @param mirrors base URLs by dataset name; datasets not named keep their canonical mirrors
     */
    public Catalog(Map<String, List<URI>> mirrors) {
        Map<String, DatasetSpec> all = new LinkedHashMap<>();
        for (DatasetSpec spec : List.of(mnist(), fashionMnist(), binarizedMnist())) {
            all.put(spec.name(), spec);
        }
        for (Map.Entry<String, List<URI>> e : mirrors.entrySet()) {
            DatasetSpec spec = all.get(e.getKey());
            if (spec == null) {
                throw new IllegalArgumentException("mirrors given for unknown dataset " + e.getKey() + "; known: " + all.keySet());
            }
            all.put(spec.name(), spec.withMirrors(e.getValue()));
        }
        this.specs = Map.copyOf(all);
    }

    /** The known dataset names, in a stable order. */
    public List<String> names() {
        return List.of(MNIST, FASHION_MNIST, BINARIZED_MNIST);
    }

    /** The dataset called {@code name}; an unknown name is a {@link DataException} listing the known ones. */
    /**
     * This catalog with {@code spec} added, or replacing the dataset of the same name: how a
     * private dataset in the IDX or amat layout, with its own checksums, becomes usable by name.
     */
    public Catalog with(DatasetSpec spec) {
        Map<String, DatasetSpec> all = new LinkedHashMap<>(specs);
        all.put(spec.name(), spec);
        return new Catalog(all, true);
    }

    private Catalog(Map<String, DatasetSpec> specs, boolean copied) {
        this.specs = Map.copyOf(specs);
    }

    public DatasetSpec get(String name) {
        DatasetSpec spec = specs.get(name);
        if (spec == null) {
            throw new DataException("unknown dataset '" + name + "'; known datasets: " + String.join(", ", names()));
        }
        return spec;
    }

    private static DatasetSpec mnist() {
        return idx(MNIST, DIGITS, MNIST_MIRRORS, List.of(
                new Published(9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                new Published(28881, "d53e105ee54ea40749a09fcbcd1e9432"),
                new Published(1648877, "9fb629c4189551a2d022fa330f9573f3"),
                new Published(4542, "ec29112dd5afa0611ce80d1b7f02629c")));
    }

    private static DatasetSpec fashionMnist() {
        return idx(FASHION_MNIST, FASHION_LABELS, FASHION_MNIST_MIRRORS, List.of(
                new Published(26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                new Published(29515, "25c81989df183df01b3e8a0aad5dffbe"),
                new Published(4422102, "bef4ecab320f06d8554ea6380940ec79"),
                new Published(5148, "bb300cfdad3c16e7a12a480ee83cd310")));
    }

    /** Size and MD5 of one published file. */
    private record Published(long size, String md5) {}

    /**
     * An IDX dataset with the four standard file names.
     *
     * @param published train images, train labels, test images and test labels, in that order
     */
    private static DatasetSpec idx(String name, List<String> labels, List<URI> mirrors, List<Published> published) {
        List<String> names = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        List<DataFile> files = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Split split = i < 2 ? Split.TRAIN : Split.TEST;
            DataFile.Content content = i % 2 == 0 ? DataFile.Content.IMAGES : DataFile.Content.LABELS;
            Published p = published.get(i);
            files.add(new DataFile(names.get(i), names.get(i), p.size(), Checksum.md5(p.md5()), split, content));
        }
        return new DatasetSpec(name, name, DatasetSpec.Format.IDX, files, MNIST_SHAPE, labels, false, mirrors);
    }

    /** Larochelle and Murray's split; the SHA-256 values are those TensorFlow Datasets records. */
    private static DatasetSpec binarizedMnist() {
        List<DataFile> files = List.of(
                amatFile("binarized_mnist_train.amat", 78_400_000L, "ad693b29f94c14277b095f5238ddefbbdaaae0939789dd2f4f0205278cee3e4d", Split.TRAIN),
                amatFile("binarized_mnist_valid.amat", 15_680_000L, "1de3d397c40fe8eeb33dafd4099a1f665ec01e96d9be234aaeeac8a34930e2e2", Split.VALIDATION),
                amatFile("binarized_mnist_test.amat", 15_680_000L, "e6687bfea3f820c174f33b7865140b2a2dd2930ef786f35d45795fc193b5ab2c", Split.TEST));
        return new DatasetSpec(BINARIZED_MNIST, BINARIZED_MNIST, DatasetSpec.Format.AMAT, files, MNIST_SHAPE, List.of(), true,
                BINARIZED_MNIST_MIRRORS);
    }

    private static DataFile amatFile(String remoteName, long size, String sha256, Split split) {
        return new DataFile(remoteName + ".gz", remoteName, size, Checksum.sha256OfUncompressed(sha256), split, DataFile.Content.IMAGES);
    }
}
