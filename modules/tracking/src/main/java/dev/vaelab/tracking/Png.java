package dev.vaelab.tracking;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Encodes images as PNG and writes them atomically. */
public final class Png {
    private Png() {}

    /** The PNG bytes of {@code image}. */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer for an image of type " + image.getType());
            }
        } catch (IOException e) {
            // Writing to memory fails only on a broken ImageIO installation.
            throw new UncheckedIOException("cannot encode PNG", e);
        }
        return out.toByteArray();
    }

    /** Writes {@code image} to {@code file} as PNG through {@link AtomicFiles}. */
    public static void write(BufferedImage image, Path file) {
        AtomicFiles.write(file, encode(image));
    }
}
