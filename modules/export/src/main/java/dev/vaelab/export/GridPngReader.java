package dev.vaelab.export;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.ImageBatch;
import dev.vaelab.tracking.ImageGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Reads images back from a PNG: one image of the model's size, or a grid as a run draws it
 * ({@link ImageGrid#standard}: 2 pixels of grey padding, tiles upscaled 1 to 8 times), either
 * {@code tiles} (such as {@code samples_eNNN.png}) or {@code pairs} (such as
 * {@code reconstructions_eNNN.png}, whose input rows are read). A layout is accepted only if
 * drawing the images read with it gives back the PNG pixel for pixel, so a picture that is not such
 * a grid is refused rather than cut into wrong tiles; 8-bit levels v read as v/255, which is exact
 * for the levels the grids were drawn from. Trailing cells that are all padding grey are empty.
 *
 * <p>Channels: an RGB model reads red, green and blue (a grey PNG as equal levels in all three); a
 * grey model reads a grey PNG, or an RGB one whose pixels are all grey, and refuses a colour picture
 * rather than pick a grey conversion (luma weights differ between tools) on the user's behalf.
 */
public final class GridPngReader {
    /** How the PNG is laid out. */
    public enum Layout {
        /** Whichever of the others draws the PNG back; an error when several do. */
        AUTO,
        /** One image of the model's size. */
        IMAGE,
        /** A grid of tiles, row-major. */
        TILES,
        /** Rows of inputs, each above its row of reconstructions: the inputs are read. */
        PAIRS
    }

    private static final int PADDING = 2;
    private static final int MAX_SCALE = 8;

    private GridPngReader() {
    }

    /** The images of {@code file}, each channels x height x width. */
    public static Images read(Path file, int channels, int height, int width, Layout layout) {
        BufferedImage png;
        try {
            png = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new VaelabException("cannot read " + file + " as PNG: " + e.getMessage(), e);
        }
        if (png == null) {
            throw new VaelabException(file + " is not an image ImageIO can read");
        }
        float[][] levels = channels(png, channels, height, width, file);
        List<Images> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if ((layout == Layout.AUTO || layout == Layout.IMAGE) && png.getWidth() == width && png.getHeight() == height) {
            float[] pixels = new float[channels * height * width];
            for (int c = 0; c < channels; c++) {
                System.arraycopy(levels[c], 0, pixels, c * height * width, height * width);
            }
            found.add(new Images(pixels, 1, channels, height, width));
            names.add("one image");
        }
        for (int scale = 1; scale <= MAX_SCALE; scale++) {
            if (layout == Layout.AUTO || layout == Layout.TILES) {
                Images tiles = tiles(png, levels, channels, height, width, scale);
                if (tiles != null) {
                    found.add(tiles);
                    names.add(String.format(Locale.ROOT, "tiles at %dx", scale));
                }
            }
            if (layout == Layout.AUTO || layout == Layout.PAIRS) {
                Images pairs = pairs(png, levels, channels, height, width, scale);
                if (pairs != null) {
                    found.add(pairs);
                    names.add(String.format(Locale.ROOT, "input/reconstruction pairs at %dx", scale));
                }
            }
        }
        if (found.isEmpty()) {
            throw new VaelabException(file + " (" + png.getWidth() + "x" + png.getHeight() + " pixels) is neither one "
                    + width + "x" + height + " image nor a vaelab grid of " + width + "x" + height + " images"
                    + (layout == Layout.AUTO ? "" : " laid out as " + layout.name().toLowerCase(Locale.ROOT))
                    + "; the model takes " + expected(channels, height, width));
        }
        if (found.size() > 1) {
            throw new VaelabException(file + " reads as " + String.join(" and as ", names)
                    + "; say which with --layout tiles or --layout pairs");
        }
        return found.get(0);
    }

    private static Images tiles(BufferedImage png, float[][] levels, int channels, int height, int width, int scale) {
        int cell = width * scale + PADDING;
        int row = height * scale + PADDING;
        if ((png.getWidth() - PADDING) % cell != 0 || (png.getHeight() - PADDING) % row != 0) {
            return null;
        }
        int cols = (png.getWidth() - PADDING) / cell;
        int rows = (png.getHeight() - PADDING) / row;
        if (cols < 1 || rows < 1) {
            return null;
        }
        Images all = cut(levels, png.getWidth(), channels, height, width, scale, rows * cols,
                i -> PADDING + (i % cols) * cell, i -> PADDING + (i / cols) * row);
        ImageBatch batch = new ImageBatch(all.pixels(), all.count(), channels, height, width);
        if (!samePixels(ImageGrid.standard(scale).tiles(batch, rows, cols), png)) {
            return null;
        }
        return dropEmpty(all, all);
    }

    private static Images pairs(BufferedImage png, float[][] levels, int channels, int height, int width, int scale) {
        int cell = width * scale + PADDING;
        int tileH = height * scale;
        int pairStride = 2 * tileH + 3 * PADDING;
        if ((png.getWidth() - PADDING) % cell != 0 || png.getHeight() % pairStride != 0) {
            return null;
        }
        int cols = (png.getWidth() - PADDING) / cell;
        int rows = png.getHeight() / pairStride;
        if (cols < 1 || rows < 1) {
            return null;
        }
        int n = rows * cols;
        Images inputs = cut(levels, png.getWidth(), channels, height, width, scale, n,
                i -> PADDING + (i % cols) * cell, i -> PADDING + (i / cols) * pairStride);
        Images outputs = cut(levels, png.getWidth(), channels, height, width, scale, n,
                i -> PADDING + (i % cols) * cell, i -> PADDING + (i / cols) * pairStride + tileH + PADDING);
        BufferedImage redrawn = ImageGrid.standard(scale).pairs(
                new ImageBatch(inputs.pixels(), n, channels, height, width),
                new ImageBatch(outputs.pixels(), n, channels, height, width), rows, cols);
        if (!samePixels(redrawn, png)) {
            return null;
        }
        return dropEmpty(inputs, outputs);
    }

    /** {@code n} images whose top-left corners are at (x(i), y(i)), sampled every {@code scale} pixels. */
    private static Images cut(float[][] levels, int pngWidth, int channels, int height, int width, int scale, int n,
                              java.util.function.IntUnaryOperator x, java.util.function.IntUnaryOperator y) {
        int size = channels * height * width;
        float[] pixels = new float[n * size];
        for (int i = 0; i < n; i++) {
            int left = x.applyAsInt(i);
            int top = y.applyAsInt(i);
            for (int c = 0; c < channels; c++) {
                for (int r = 0; r < height; r++) {
                    for (int col = 0; col < width; col++) {
                        pixels[i * size + (c * height + r) * width + col] =
                                levels[c][(top + r * scale) * pngWidth + left + col * scale];
                    }
                }
            }
        }
        return new Images(pixels, n, channels, height, width);
    }

    /** Drops trailing cells in which {@code a} and {@code b} are both all padding grey. */
    private static Images dropEmpty(Images a, Images b) {
        float grey = 128 / 255f;
        int size = a.imageSize();
        int n = a.count();
        while (n > 1 && allEqual(a.pixels(), (n - 1) * size, size, grey) && allEqual(b.pixels(), (n - 1) * size, size, grey)) {
            n--;
        }
        return n == a.count() ? a : a.first(n);
    }

    private static boolean allEqual(float[] values, int from, int count, float value) {
        for (int i = from; i < from + count; i++) {
            if (values[i] != value) {
                return false;
            }
        }
        return true;
    }

    private static boolean samePixels(BufferedImage a, BufferedImage b) {
        return a.getWidth() == b.getWidth() && a.getHeight() == b.getHeight() && Arrays.equals(rgb(a), rgb(b));
    }

    /**
     * Packed 8-bit RGB read from the raster itself: {@code getRGB} would pass a grey image through a
     * colour-space conversion that changes its levels.
     */
    private static int[] rgb(BufferedImage image) {
        if (image.getColorModel() instanceof java.awt.image.IndexColorModel) {
            // palette entries are sRGB already
            int[] packed = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
            return Arrays.stream(packed).map(p -> p & 0xFFFFFF).toArray();
        }
        var raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int bands = raster.getNumBands();
        int[] out = new int[w * h];
        int[] sample = new int[bands];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, sample);
                out[y * w + x] = bands < 3 ? sample[0] << 16 | sample[0] << 8 | sample[0]
                        : sample[0] << 16 | sample[1] << 8 | sample[2];
            }
        }
        return out;
    }

    /** The model's image shape as messages state it. */
    private static String expected(int channels, int height, int width) {
        return channels + "x" + height + "x" + width + " images (channels x rows x columns, vaelab.image_shape): "
                + width + "x" + height + " pixels, " + (channels == 1 ? "grey" : channels == 3 ? "RGB" : channels
                + " channels");
    }

    /** Each channel's levels/255, [channel][row * width + column]; grey for one channel. */
    private static float[][] channels(BufferedImage png, int channels, int height, int width, Path file) {
        if (!(png.getColorModel() instanceof java.awt.image.IndexColorModel)
                && (png.getRaster().getNumBands() > 4 || png.getSampleModel().getSampleSize(0) != 8)) {
            throw new VaelabException(file + " is not an 8-bit grey or RGB PNG");
        }
        int w = png.getWidth();
        int h = png.getHeight();
        int[] rgb = rgb(png);
        float[][] out = new float[channels][w * h];
        for (int i = 0; i < rgb.length; i++) {
            int r = rgb[i] >> 16 & 0xff;
            int g = rgb[i] >> 8 & 0xff;
            int b = rgb[i] & 0xff;
            // in a grey model's picture magenta can only be a NaN marker; in colour it is also a colour
            if (channels == 1 && (rgb[i] & 0xFFFFFF) == ImageGrid.NAN_RGB) {
                throw new VaelabException(file + " has magenta pixels, which vaelab's grids draw for NaN; it holds no "
                        + "usable images");
            }
            if (channels == 1) {
                if (r != g || g != b) {
                    // no conversion: which grey a colour picture should become is the user's choice, not ours
                    throw new VaelabException(file + " is in colour; the model takes " + expected(channels, height, width)
                            + ", so convert the picture to grey first");
                }
                out[0][i] = r / 255f;
            } else if (channels == 3) {
                out[0][i] = r / 255f;
                out[1][i] = g / 255f;
                out[2][i] = b / 255f;
            } else {
                throw new VaelabException("PNG input holds 1 or 3 channels; the model takes "
                        + expected(channels, height, width));
            }
        }
        return out;
    }
}
