package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Where decoded datasets are kept between runs: {@code <results root>/.cache/datasets/<name>-<key>/},
 * beside the run store, one directory per dataset content. The key names the content (a checksum of
 * the source files, or of the options that rendered it), so a changed source gets a new directory and
 * an unchanged one is reused as written.
 *
 * @param root the {@code datasets} directory
 */
public record DatasetCache(Path root) {
    /** The cache directory under a results root. */
    public static final Path UNDER_RESULTS = Path.of(".cache", "datasets");

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    public DatasetCache {
        Objects.requireNonNull(root, "root");
        root = root.toAbsolutePath().normalize();
    }

    /** The cache of the runs under {@code resultsRoot}. */
    public static DatasetCache under(Path resultsRoot) {
        return new DatasetCache(resultsRoot.resolve(UNDER_RESULTS));
    }

    /** The directory of one content of dataset {@code name}; both parts must be file-name safe. */
    public Path directory(String name, String contentKey) {
        if (!SAFE.matcher(name).matches() || !SAFE.matcher(contentKey).matches()) {
            throw new IllegalArgumentException("cache names are letters, digits, '.', '-' and '_': " + name + ", " + contentKey);
        }
        return root.resolve(name + "-" + contentKey);
    }

    /**
     * The store of one content of dataset {@code name}: opened when an earlier run wrote it, else
     * written by {@code fill} (which must add exactly {@code layout.count()} images) and then opened.
     * A store whose layout differs from {@code layout} is an error naming it.
     */
    public ImageStore store(String name, String contentKey, ImageStore.Layout layout, Consumer<ImageStore.Writer> fill) {
        Path file = directory(name, contentKey).resolve(ImageStore.FILE_NAME);
        if (!Files.exists(file)) {
            try (ImageStore.Writer writer = ImageStore.writer(file, layout)) {
                fill.accept(writer);
                writer.commit();
            }
        }
        ImageStore store = ImageStore.open(file);
        if (!store.layout().equals(layout)) {
            throw new DataException("the image store " + file + " holds " + store.layout() + ", expected " + layout
                    + "; delete its folder to have it written again");
        }
        return store;
    }
}
