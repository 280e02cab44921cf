package dev.vaelab.data.folder;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.core.error.DataException;
import dev.vaelab.data.DataSpec;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetCache;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetProvider;
import dev.vaelab.data.DatasetSource;
import dev.vaelab.data.ImageShape;
import dev.vaelab.data.ImageStore;
import dev.vaelab.data.LoadContext;
import dev.vaelab.data.Splits;
import dev.vaelab.data.ValidationSize;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code dataset: image-folder}: a folder of PNG, JPEG, BMP or GIF images by the
 * {@link ImageFolder} convention. Keys: {@code path} (the folder), {@code image_size} (default 64:
 * each image's centred square resampled to this size), {@code channels} (1 or 3, default 3),
 * {@code test_fraction} (default 0.1, seeded; only for a folder without {@code train/} and
 * {@code test/}), {@code skip_bad} (default false: an unreadable image is an error naming it; true
 * skips them and the run logs their count as {@code data/skipped}).
 *
 * <p>The images are decoded once into the dataset cache, keyed by the folder's content key (names,
 * sizes, times) and these options, so the next run reads them without decoding. Decoding spools the
 * images to a temporary file first, since the store must know its count before it is written and
 * skipped images are known only once decoded.
 */
public final class ImageFolderProvider implements DatasetProvider {
    public static final String NAME = "image-folder";
    /** Part of the cache key: change it whenever decoding or resampling changes. */
    static final int FORMAT_VERSION = 1;
    static final int MAX_IMAGE_SIZE = 1024;
    /** The load metric of {@code skip_bad: true}: how many unreadable images were left out. */
    public static final String SKIPPED_METRIC = "data/skipped";

    @Override
    public DatasetSource configure(ConfigMap data, DataSpec common) {
        Path root = Path.of(data.string("path"));
        int size = data.positiveInt("image_size", 64);
        if (size > MAX_IMAGE_SIZE) {
            throw data.invalid("image_size", "must be at most " + MAX_IMAGE_SIZE + "; got " + size);
        }
        int channels = Integer.parseInt(data.choice("channels", Set.of("1", "3"), "3"));
        boolean explicitFraction = data.has("test_fraction");
        double testFraction = DataSpec.testFraction(data);
        boolean skipBad = data.bool("skip_bad", false);
        return new FolderSource(root, new ImageShape(channels, size, size), explicitFraction, testFraction, skipBad, common.validation());
    }

    /** A folder as a dataset: scanned when first described, decoded into the cache when first loaded. */
    private static final class FolderSource implements DatasetSource {
        private final Path root;
        private final ImageShape shape;
        private final boolean explicitFraction;
        private final double testFraction;
        private final boolean skipBad;
        private final ValidationSize validation;
        private ImageFolder folder;

        FolderSource(Path root, ImageShape shape, boolean explicitFraction, double testFraction, boolean skipBad, ValidationSize validation) {
            this.root = root;
            this.shape = shape;
            this.explicitFraction = explicitFraction;
            this.testFraction = testFraction;
            this.skipBad = skipBad;
            this.validation = validation;
        }

        private synchronized ImageFolder folder() {
            if (folder == null) {
                folder = ImageFolder.scan(root);
            }
            return folder;
        }

        @Override
        public DatasetInfo info() {
            return new DatasetInfo(NAME, shape, folder().classes(), List.of(), false);
        }

        @Override
        public Dataset load(LoadContext context) {
            ImageFolder f = folder();
            DatasetInfo info = info();
            String key = "v" + FORMAT_VERSION + "-" + f.contentKey() + "-" + shape.channels() + "x" + shape.height() + (skipBad ? "-skipbad" : "");
            if (f.presplit()) {
                if (explicitFraction) {
                    throw new DataException(root + ": has train/ and test/ folders, which are its split; remove data.test_fraction");
                }
                ImageStore train = store(context.cache(), key + "-train", f.train(), f);
                ImageStore test = store(context.cache(), key + "-test", f.test(), f);
                // train/ is stored class by class, so its tail would be the last class: validation is a seeded sample
                Dataset data = Splits.withTestSplit(info, train.images(f.classes(), List.of()), test.images(f.classes(), List.of()), validation,
                        context.streams());
                return withSkipped(data, f.train().size() + f.test().size(), train.layout().count() + test.layout().count());
            }
            ImageStore all = store(context.cache(), key, f.train(), f);
            Dataset data = Splits.heldOut(info, all.images(f.classes(), List.of()), testFraction, validation, context.streams());
            return withSkipped(data, f.train().size(), all.layout().count());
        }

        /** With {@code skip_bad: true} the run logs how many images were skipped (0 included, so that runs compare), as {@code data/skipped}. */
        private Dataset withSkipped(Dataset data, int found, int stored) {
            if (!skipBad) {
                return data;
            }
            int skipped = found - stored;
            if (skipped > 0) {
                System.err.println("image-folder " + root + ": skipped " + skipped + " unreadable image" + (skipped == 1 ? "" : "s")
                        + " of " + found + " (skip_bad: true)");
            }
            return data.withLoadMetrics(Map.of(SKIPPED_METRIC, (double) skipped));
        }

        private ImageStore store(DatasetCache cache, String key, List<ImageEntry> entries, ImageFolder f) {
            Path file = cache.directory(NAME, key).resolve(ImageStore.FILE_NAME);
            if (!Files.exists(file)) {
                write(file, entries, f.labelled());
            }
            return ImageStore.open(file);
        }

        /** Decodes {@code entries} into a spool file beside the store, then writes the store from it with the count known. */
        private void write(Path file, List<ImageEntry> entries, boolean labelled) {
            try {
                Files.createDirectories(file.getParent());
                Path spool = Files.createTempFile(file.getParent(), ".spool-", ".part");
                try {
                    int[] labels = new int[entries.size()];
                    int[] count = {0};
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20)) {
                        FolderImages.decode(entries, shape.height(), shape.channels(), skipBad, (entry, pixels) -> {
                            try {
                                out.write(pixels);
                            } catch (IOException e) {
                                throw new DataException("cannot write " + spool + ": " + e.getMessage() + "; check that its disk has room", e);
                            }
                            labels[count[0]++] = entry.label();
                        });
                    }
                    if (count[0] == 0) {
                        throw new DataException(root + ": none of its " + entries.size() + " images could be read");
                    }
                    ImageStore.Layout layout = new ImageStore.Layout(shape, count[0], labelled, 0);
                    byte[] pixels = new byte[shape.size()];
                    int[] noFactors = new int[0];
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(spool), 1 << 20);
                            ImageStore.Writer writer = ImageStore.writer(file, layout)) {
                        for (int i = 0; i < count[0]; i++) {
                            in.readNBytes(pixels, 0, pixels.length);
                            writer.add(pixels, 0, labels[i], noFactors);
                        }
                        writer.commit();
                    }
                } finally {
                    Files.deleteIfExists(spool);
                }
            } catch (IOException e) {
                throw new DataException("cannot write the image cache " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
