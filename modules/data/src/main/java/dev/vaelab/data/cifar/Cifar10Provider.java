package dev.vaelab.data.cifar;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.error.DataException;
import dev.vaelab.data.Checksum;
import dev.vaelab.data.DataFile;
import dev.vaelab.data.DataSpec;
import dev.vaelab.data.DatasetProvider;
import dev.vaelab.data.DatasetSource;
import dev.vaelab.data.DatasetSpec;
import dev.vaelab.data.ImageShape;
import dev.vaelab.data.ImageStore;
import dev.vaelab.data.LoadContext;
import dev.vaelab.data.Split;
import dev.vaelab.data.Splits;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code dataset: cifar10}: the binary version of CIFAR-10, 50,000 training and 10,000 test RGB images
 * of 32×32 in ten classes. The archive is downloaded from its official URL and verified against its
 * published MD5 like MNIST's files, extracted once into the data root, and its images are written into
 * the dataset cache and read from there image by image. No keys of its own; the validation images are the last
 * {@code data.validation} training images, as for MNIST.
 */
public final class Cifar10Provider implements DatasetProvider {
    public static final String NAME = "cifar10";
    public static final String ARCHIVE = "cifar-10-binary.tar.gz";
    static final long ARCHIVE_BYTES = 170_052_171L;
    static final String MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    public static final List<String> LABELS =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    public static final DatasetSpec SPEC = spec(ARCHIVE_BYTES, Checksum.md5(MD5), List.of(URI.create("https://www.cs.toronto.edu/~kriz/")));
    /** Part of the cache key: change it whenever the conversion changes. */
    static final int FORMAT_VERSION = 1;

    private final DatasetSpec spec;

    @Inject
    public Cifar10Provider() {
        this(SPEC);
    }

    /** A provider of another archive or mirror: tests, and sites with a local copy. */
    Cifar10Provider(DatasetSpec spec) {
        this.spec = spec;
    }

    /** CIFAR-10's spec with the given archive size, checksum and mirrors. */
    static DatasetSpec spec(long archiveBytes, Checksum checksum, List<URI> mirrors) {
        DataFile archive = new DataFile(ARCHIVE, ARCHIVE, archiveBytes, checksum, Split.TRAIN, DataFile.Content.IMAGES);
        return new DatasetSpec(NAME, NAME, DatasetSpec.Format.ARCHIVE, List.of(archive),
                new ImageShape(3, CifarBatch.SIDE, CifarBatch.SIDE), LABELS, false, mirrors);
    }

    @Override
    public DatasetSource configure(ConfigMap data, DataSpec common) {
        return DatasetSource.of(spec.info(), context -> {
            CifarArchive.Batches batches = batches(context);
            String key = "v" + FORMAT_VERSION + "-" + spec.files().get(0).checksum().hex();
            ImageStore train = store(context, key + "-train", batches.train());
            ImageStore test = store(context, key + "-test", List.of(batches.test()));
            return Splits.withTestSplit(spec.info(), train.images(LABELS, List.of()), test.images(LABELS, List.of()), common.validation());
        });
    }

    /** The extracted batches: extracted earlier, or from the archive in the data root, downloaded first if it is missing. */
    private CifarArchive.Batches batches(LoadContext context) {
        Path directory = context.dataRoot().directory(spec);
        Path extracted = directory.resolve(CifarArchive.FOLDER);
        CifarArchive.Batches batches = CifarArchive.extracted(extracted).orElseGet(() -> {
            DataFile file = spec.files().get(0);
            Path archive = directory.resolve(file.name());
            if (!Files.exists(archive)) {
                archive = context.downloader().download(spec, file, directory);
            }
            return CifarArchive.extract(archive, Optional.of(file.checksum()), extracted);
        });
        if (!batches.labelNames().equals(LABELS)) {
            throw new DataException(extracted.resolve(CifarArchive.META) + ": class names " + batches.labelNames() + " are not CIFAR-10's "
                    + LABELS + "; delete " + extracted + " to extract the archive again");
        }
        return batches;
    }

    private ImageStore store(LoadContext context, String key, List<Path> files) {
        int count = 0;
        for (Path file : files) {
            count = Math.addExact(count, CifarBatch.records(file));
        }
        ImageStore.Layout layout = new ImageStore.Layout(spec.shape(), count, true, 0);
        return context.cache().store(NAME, key, layout, writer -> {
            int[] noFactors = new int[0];
            for (Path file : files) {
                CifarBatch.read(file, (index, label, pixels) -> writer.add(pixels, 0, label, noFactors));
            }
        });
    }
}
