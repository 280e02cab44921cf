package dev.vaelab.data;

import dev.vaelab.core.error.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Loads a dataset from the data root into memory, downloading missing files first. Every file's
 * checksum is verified while it is read, before any of its data is used.
 *
 * <p>MNIST and Fashion-MNIST take their validation split from the last {@code validation} images of
 * the training file (deterministic, as is common practice); binarized MNIST has its own fixed split.
 */
public final class DatasetLoader {
    private final DataRoot root;
    private final Downloader downloader;

    public DatasetLoader(DataRoot root, Downloader downloader) {
        this.root = root;
        this.downloader = downloader;
    }

    /**
     * Loads {@code spec} with its pixels as published ({@link Binarization#NONE}).
     *
     * @param validation images held out for validation: for IDX datasets any count in {@code [0, train)}
     *     taken from the end of the training file; for binarized MNIST 0 (no validation split) or the
     *     size of its published validation split
     */
    public Dataset load(DatasetSpec spec, int validation) {
        return load(spec, new ValidationSize.Count(validation));
    }

    /** Loads {@code spec} with {@code validation} held out, a count or a share of the training images. */
    public Dataset load(DatasetSpec spec, ValidationSize validation) {
        for (DataFile file : spec.files()) {
            path(spec, file);
        }
        return switch (spec.format()) {
            case IDX -> loadIdx(spec, validation);
            case AMAT -> loadAmat(spec, validation);
            case ARCHIVE -> throw new IllegalArgumentException(spec.name() + " is an archive that its own provider reads");
        };
    }

    /** The path of {@code file}, downloaded first if it is not in the data root yet. */
    public Path path(DatasetSpec spec, DataFile file) {
        Path directory = root.directory(spec);
        Path path = directory.resolve(file.name());
        return Files.exists(path) ? path : downloader.download(spec, file, directory);
    }

    private Dataset loadIdx(DatasetSpec spec, ValidationSize validation) {
        ImageSet train = readIdx(spec, Split.TRAIN);
        ImageSet test = readIdx(spec, Split.TEST);
        return Splits.withTestSplit(spec.info(), train, test, validation);
    }

    private ImageSet readIdx(DatasetSpec spec, Split split) {
        DataFile imagesFile = require(spec, split, DataFile.Content.IMAGES);
        Path imagesPath = path(spec, imagesFile);
        IdxReader.Images images = IdxReader.readImages(imagesPath, Optional.of(imagesFile.checksum()));
        ImageShape shape = spec.shape();
        if (shape.channels() != 1 || images.rows() != shape.height() || images.columns() != shape.width()) {
            throw new DataException(imagesPath + ": images are " + images.rows() + "x" + images.columns() + ", expected " + shape);
        }
        if (spec.file(split, DataFile.Content.LABELS).isEmpty()) {
            return ImageSet.wrap(shape, images.pixels(), null, spec.labelNames());
        }
        DataFile labelsFile = require(spec, split, DataFile.Content.LABELS);
        Path labelsPath = path(spec, labelsFile);
        int[] labels = IdxReader.readLabels(labelsPath, Optional.of(labelsFile.checksum()));
        if (labels.length != images.count()) {
            throw new DataException(labelsPath + ": " + labels.length + " labels, but " + imagesPath.getFileName() + " has " + images.count() + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= spec.numClasses()) {
                throw new DataException(labelsPath + ": label " + labels[i] + " of image " + i + " is not a class of " + spec.name()
                        + " (0 to " + (spec.numClasses() - 1) + ")");
            }
        }
        return ImageSet.wrap(shape, images.pixels(), labels, spec.labelNames());
    }

    private Dataset loadAmat(DatasetSpec spec, ValidationSize size) {
        ImageSet train = readAmat(spec, Split.TRAIN);
        ImageSet valid = readAmat(spec, Split.VALIDATION);
        ImageSet test = readAmat(spec, Split.TEST);
        int validation = size.of(train.count());
        if (validation != 0 && validation != valid.count()) {
            throw new DataException(spec.name() + " has a fixed validation split of " + valid.count() + " images; set data.validation to "
                    + valid.count() + ", or to 0 for none; got " + validation);
        }
        return new Dataset(spec.info(), train, validation == 0 ? Optional.empty() : Optional.of(valid), test, Binarization.NONE);
    }

    private ImageSet readAmat(DatasetSpec spec, Split split) {
        DataFile file = require(spec, split, DataFile.Content.IMAGES);
        byte[] pixels = AmatReader.read(path(spec, file), spec.shape().size(), Optional.of(file.checksum()));
        return ImageSet.wrap(spec.shape(), pixels, null, spec.labelNames());
    }

    private static DataFile require(DatasetSpec spec, Split split, DataFile.Content content) {
        return spec.file(split, content).orElseThrow(() -> new IllegalArgumentException(
                spec.name() + " has no " + split.name().toLowerCase(Locale.ROOT) + " " + content.name().toLowerCase(Locale.ROOT) + " file"));
    }
}
