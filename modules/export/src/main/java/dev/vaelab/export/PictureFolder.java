package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.data.folder.BadImageException;
import dev.vaelab.data.folder.ImageDecoder;
import dev.vaelab.data.folder.ImageEntry;
import dev.vaelab.data.folder.ImageFolder;
import dev.vaelab.data.folder.ImageResampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pictures to encode, found and prepared as the image-folder dataset finds and prepares its training images, so that
 * an encoder trained on a folder of photos encodes that folder (or another like it) as it saw it: torchvision's
 * ImageFolder convention ({@code train/} and {@code test/}, class subfolders, or a flat folder; {@link ImageFolder}),
 * each PNG, JPEG, BMP or GIF resized and centre-cropped to the encoder's square ({@link ImageResampler}), in the
 * order of their paths. A single picture file reads the same way.
 *
 * @param root the folder, or the picture file
 * @param files the pictures
 * @param names each picture's path below {@code root} ({@code /} separators; {@code train/} or {@code test/} first in
 *     a folder with its own split), or its file name for a single picture
 * @param classNames the folder's class folders, sorted (as the image-folder dataset numbers them); empty when unlabelled
 * @param labels each picture's index into {@code classNames}, in a labelled folder; empty otherwise
 */
public record PictureFolder(Path root, List<Path> files, List<String> names, List<String> classNames, List<Integer> labels) {
    public PictureFolder {
        files = List.copyOf(files);
        names = List.copyOf(names);
        classNames = List.copyOf(classNames);
        labels = List.copyOf(labels);
        if (names.size() != files.size() || !(labels.isEmpty() || labels.size() == files.size())) {
            throw new IllegalArgumentException("one name (and label) per picture");
        }
    }

    /** The pictures of folder {@code dir}; one without pictures, or mixing pictures and class folders, is an error naming it. */
    public static PictureFolder scan(Path dir) {
        ImageFolder folder = ImageFolder.scan(dir);
        List<Path> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        add(folder.train(), folder.presplit() ? "train/" : "", folder.labelled(), files, names, labels);
        add(folder.test(), "test/", folder.labelled(), files, names, labels);
        return new PictureFolder(dir, files, names, folder.classes(), labels);
    }

    private static void add(List<ImageEntry> entries, String prefix, boolean labelled, List<Path> files,
                            List<String> names, List<Integer> labels) {
        for (ImageEntry entry : entries) {
            files.add(entry.file());
            names.add(prefix + entry.relative());
            if (labelled) {
                labels.add(entry.label());
            }
        }
    }

    /** One picture file. */
    public static PictureFolder single(Path file) {
        return new PictureFolder(file, List.of(file), List.of(file.getFileName().toString()), List.of(), List.of());
    }

    public int count() {
        return files.size();
    }

    /** The first {@code n} pictures. */
    public PictureFolder first(int n) {
        int kept = Math.min(n, count());
        return new PictureFolder(root, files.subList(0, kept), names.subList(0, kept), classNames,
                labels.isEmpty() ? labels : labels.subList(0, kept));
    }

    /**
     * Each picture's class as a label: for a conditional model its class of that name (a folder name the model does
     * not know is an error naming its classes); for any other model the folder's own class index (its class folders
     * in sorted order, as the image-folder dataset numbers them). Empty for unlabelled pictures.
     */
    public Optional<int[]> labels(ModelCard card) {
        if (labels.isEmpty()) {
            return Optional.empty();
        }
        int[] out = new int[count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels.get(i);
            if (card.conditional()) {
                String name = classNames.get(out[i]);
                out[i] = card.labelNames().indexOf(name);
                if (out[i] < 0) {
                    throw new VaelabException("--input " + root + ": class folder '" + name + "' is not a class of this "
                            + "model (" + String.join(", ", card.labelNames()) + "); rename it, or give every picture's "
                            + "class with --label");
                }
            }
        }
        return Optional.of(out);
    }

    /**
     * The pictures decoded at the encoder's shape, values pixel/255 as in training.
     *
     * @throws VaelabException naming a picture that cannot be decoded, or an encoder whose images are not square
     */
    public Images read(ModelCard card) {
        int size = card.height();
        int channels = card.channels();
        if (card.width() != size || (channels != 1 && channels != 3)) {
            throw new VaelabException("--input " + root + ": pictures are resized and centre-cropped to squares of 1 or 3 "
                    + "channels, as the image-folder dataset prepares them, and this encoder takes " + channels + "x"
                    + size + "x" + card.width() + " images; encode an IDX file or a PNG of that shape instead");
        }
        int values = channels * size * size;
        float[] pixels = new float[Math.multiplyExact(count(), values)];
        for (int i = 0; i < count(); i++) {
            byte[] planes;
            try {
                planes = ImageResampler.toPlanes(ImageDecoder.decode(files.get(i)), size, channels);
            } catch (BadImageException e) {
                throw new VaelabException("--input " + e.getMessage() + "; fix or remove it");
            }
            Images.putIntensities(planes, values, pixels, i * values);
        }
        return new Images(pixels, count(), channels, size, size);
    }
}
