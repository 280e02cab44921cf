package dev.vaelab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the labels file that MNIST's naming puts beside an images file ({@code X-images-idx3-ubyte[.gz]}). */
final class IdxLabels {
    private static final Pattern IMAGES = Pattern.compile("^(.*)-images-idx3-ubyte(\\.gz)?$");

    private IdxLabels() {
    }

    /** {@code X-labels-idx1-ubyte}, gzip-compressed or not, in the images' folder, when there is one. */
    static Optional<Path> besideImages(Path images) {
        Path name = images.getFileName();
        Matcher m = name == null ? null : IMAGES.matcher(name.toString());
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        for (String suffix : new String[] {".gz", ""}) {
            Path labels = images.resolveSibling(m.group(1) + "-labels-idx1-ubyte" + suffix);
            if (Files.isRegularFile(labels)) {
                return Optional.of(labels);
            }
        }
        return Optional.empty();
    }
}
