package dev.vaelab.tracking;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes images as PNG and writes them atomically. */
public final class Png {
    private Png() {}

    /**
     * The PNG bytes of {@code image}. Encoded through a memory cache: {@code ImageIO.write} to a
     * stream would cache in a temporary file whose cleanup registers a shutdown hook, which throws
     * when a sweep writes its plots from its own shutdown hook (Ctrl-C).
     */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(image, "png", stream)) {
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
