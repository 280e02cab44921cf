package dev.vaelab.data.numpy;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.data.DataSpec;
import dev.vaelab.data.Dataset;
import dev.vaelab.data.DatasetInfo;
import dev.vaelab.data.DatasetProvider;
import dev.vaelab.data.DatasetSource;
import dev.vaelab.data.ImageStore;
import dev.vaelab.data.LoadContext;
import dev.vaelab.data.Splits;
import dev.vaelab.data.ValidationSize;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code dataset: numpy}: a researcher's own arrays, as {@code .npz} ({@code np.savez} or
 * {@code np.savez_compressed}) or a single {@code .npy} of images. Keys:
 *
 * <ul>
 *   <li>{@code path}: the file;
 *   <li>{@code images}: the images' key in an {@code .npz} (default {@code images}); uint8 in [0, 255]
 *       (only 0 and 1: binary, shown as 0 and 255), bool, or floats in [0, 1];
 *   <li>{@code layout}: {@code NHW}, {@code NHWC} or {@code NCHW}, when {@link ImageLayout}'s rule
 *       cannot tell or guesses wrong;
 *   <li>{@code labels}: the key of {@code [N]} integer class indices (optional);
 *   <li>{@code factors}: the key of {@code [N]} or {@code [N, F]} ground-truth factors, integer classes or
 *       float values with at most 1000 distinct values per column (optional), and {@code factor_names};
 *   <li>{@code test_fraction}: the share held out as a seeded test split (default 0.1).
 * </ul>
 *
 * The images are converted once into the dataset cache, keyed by the file's path, size and time and by
 * these keys, and read from there image by image.
 */
public final class NumpyProvider implements DatasetProvider {
    public static final String NAME = "numpy";
    /** Part of the cache key: change it whenever the conversion to bytes changes. */
    static final int FORMAT_VERSION = 1;

    @Override
    public DatasetSource configure(ConfigMap data, DataSpec common) {
        String pathText = data.string("path");
        Path path = Path.of(pathText);
        String lower = pathText.toLowerCase(Locale.ROOT);
        boolean npy = lower.endsWith(".npy");
        if (!npy && !lower.endsWith(".npz")) {
            throw data.invalid("path", "must name a NumPy .npz or .npy file; got '" + pathText + "'");
        }
        Optional<String> images = data.optionalString("images");
        Optional<String> labels = data.optionalString("labels");
        Optional<String> factors = data.optionalString("factors");
        if (npy) {
            for (String key : List.of("images", "labels", "factors")) {
                if (data.has(key)) {
                    throw data.invalid(key, "names an array of an .npz file, but path is a .npy file, which holds the images alone");
                }
            }
        }
        List<String> factorNames = data.stringList("factor_names", List.of());
        if (!factorNames.isEmpty() && factors.isEmpty()) {
            throw data.invalid("factor_names", "needs factors, the key of the factor array they name");
        }
        Optional<ImageLayout> layout = data.optionalString("layout").map(text -> ImageLayout.parse(text).orElseThrow(
                () -> data.invalid("layout", "must be one of NHW, NHWC, NCHW; got '" + text + "'")));
        double testFraction = DataSpec.testFraction(data);
        String imageKey = images.orElse("images");
        return new NumpySource(NAME, path, () -> {
            if (npy) {
                return NumpyContent.read(NpyFile.open(path), layout, Optional.empty(), Optional.empty(), new int[0], List.of());
            }
            NpzFile npz = NpzFile.open(path);
            return NumpyContent.read(npz.array(imageKey), layout, labels.map(npz::array), factors.map(npz::array), new int[0], factorNames);
        }, String.join("\t", imageKey, labels.orElse(""), factors.orElse(""), String.join(",", factorNames),
                layout.map(Enum::name).orElse("")), testFraction, common.validation());
    }

    /** Opens the file and reads what the dataset is made of; the file stays open while the source lives. */
    @FunctionalInterface
    interface ContentReader {
        NumpyContent read();
    }

    /** A NumPy file as a dataset: read when first described, converted into the cache when first loaded. */
    static final class NumpySource implements DatasetSource {
        private final String name;
        private final Path path;
        private final ContentReader reader;
        private final String options;
        private final double testFraction;
        private final ValidationSize validation;
        private NumpyContent content;

        NumpySource(String name, Path path, ContentReader reader, String options, double testFraction, ValidationSize validation) {
            this.name = name;
            this.path = path;
            this.reader = reader;
            this.options = options;
            this.testFraction = testFraction;
            this.validation = validation;
        }

        private synchronized NumpyContent content() {
            if (content == null) {
                content = reader.read();
            }
            return content;
        }

        @Override
        public DatasetInfo info() {
            return content().info(name);
        }

        @Override
        public Dataset load(LoadContext context) {
            NumpyContent c = content();
            DatasetInfo info = info();
            String key = "v" + FORMAT_VERSION + "-" + sha256(NumpyContent.fileKey(path) + "\n" + options);
            ImageStore store = context.cache().store(name, key, c.layout(), c::write);
            return Splits.heldOut(info, store.images(c.labelNames(), c.factors()), testFraction, validation, context.streams());
        }
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }

}
