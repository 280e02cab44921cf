package dev.vaelab.data;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything known about a dataset before it is loaded: its files with their checksums, the image
 * shape, the labels and where to download it.
 *
 * @param name the name used in experiment files ({@code data.dataset})
 * @param directory the subdirectory of the data root that holds the files
 * @param format how the files are encoded
 * @param files every file of the dataset
 * @param shape the shape of one image
 * @param labelNames one name per class, empty when the dataset has no labels
 * @param binary whether the published pixels are already binary (0/1)
 * @param mirrors base URLs, tried in order; a file's URL is the base plus its remote name
 */
public record DatasetSpec(
        String name,
        String directory,
        Format format,
        List<DataFile> files,
        ImageShape shape,
        List<String> labelNames,
        boolean binary,
        List<URI> mirrors) {
    /** How a dataset's files are encoded. */
    public enum Format {
        /** gzip-compressed IDX files: images and labels for train and test, validation cut from train. */
        IDX,
        /** gzip-compressed {@code .amat} text, 0/1 values, one image per line, one file per split. */
        AMAT,
        /** an archive that its own {@link DatasetProvider} reads (CIFAR-10's tar.gz, dSprites' npz); the spec serves the {@link Downloader}. */
        ARCHIVE
    }

    public DatasetSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(shape, "shape");
        files = List.copyOf(files);
        labelNames = List.copyOf(labelNames);
        mirrors = mirrors.stream().map(DatasetSpec::asDirectory).toList();
        if (mirrors.isEmpty()) {
            throw new IllegalArgumentException(name + ": at least one mirror is needed");
        }
        for (Split split : Split.values()) {
            for (DataFile.Content content : DataFile.Content.values()) {
                if (files.stream().filter(f -> f.split() == split && f.content() == content).count() > 1) {
                    throw new IllegalArgumentException(name + ": two files for " + split + " " + content);
                }
            }
        }
    }

    /** Number of classes, 0 when the dataset has no labels. */
    public int numClasses() {
        return labelNames.size();
    }

    /** Whether the dataset has class labels. */
    public boolean hasLabels() {
        return !labelNames.isEmpty();
    }

    /** The file that holds {@code content} for {@code split}, if the dataset has one. */
    public Optional<DataFile> file(Split split, DataFile.Content content) {
        return files.stream().filter(f -> f.split() == split && f.content() == content).findFirst();
    }

    /** What experiments and models need to know of this dataset: MNIST-family files have no factors. */
    public DatasetInfo info() {
        return new DatasetInfo(name, shape, labelNames, List.of(), binary);
    }

    /** This spec with other mirrors, e.g. a local server in tests or an institute's copy. */
    public DatasetSpec withMirrors(List<URI> newMirrors) {
        return new DatasetSpec(name, directory, format, files, shape, labelNames, binary, newMirrors);
    }

    /** The download URL of {@code file} on {@code mirror}. */
    public static URI url(URI mirror, DataFile file) {
        return asDirectory(mirror).resolve(file.remoteName());
    }

    private static URI asDirectory(URI base) {
        String s = base.toString();
        return s.endsWith("/") ? base : URI.create(s + "/");
    }
}
