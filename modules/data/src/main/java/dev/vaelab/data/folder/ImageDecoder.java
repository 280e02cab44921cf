package dev.vaelab.data.folder;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG, BMP and GIF files (the first frame of an animated GIF) through ImageIO, with
 * TwelveMonkeys' JPEG reader on the class path for the CMYK and YCCK JPEGs the JDK's reader refuses.
 * The format is recognised by content, not by name. Dimensions are read from the header first, and an
 * image larger than {@link #MAX_PIXELS} is refused before any memory is spent on its pixels. A
 * decoder's warning (a JPEG that ends early decodes with one) makes the image corrupt.
 */
public final class ImageDecoder {
    /** The most pixels one image may have: 100 megapixels, 400 MB as ARGB. */
    public static final long MAX_PIXELS = 100_000_000L;

    static {
        // Plugins on the class path (TwelveMonkeys) register themselves only once scanned for.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {}

    /**
     * Decodes {@code file}.
     *
     * @throws BadImageException naming the file when it cannot be decoded
     */
    public static BufferedImage decode(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new BadImageException(file + ": cannot open");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadImageException(file + ": not a PNG, JPEG, BMP or GIF image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new BadImageException(file + ": " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels, more than the "
                            + MAX_PIXELS + " an image may have");
                }
                if (pixels == 0) {
                    throw new BadImageException(file + ": an image of no pixels");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    // A truncated or damaged JPEG decodes with warnings and grey where data is missing: that is corrupt data.
                    throw new BadImageException(file + ": corrupt (" + warnings.get(0) + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (BadImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders signal corrupt data with IOExceptions and, in places, with runtime exceptions of every kind.
            String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            throw new BadImageException(file + ": cannot decode (" + why + ")");
        }
    }
}
