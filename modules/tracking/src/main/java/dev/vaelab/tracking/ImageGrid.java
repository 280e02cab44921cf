package dev.vaelab.tracking;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/**
 * Lays out image batches as one picture for the {@code grids/} folder and MLflow's image panels.
 *
 * <p>Tiles sit row-major in {@code rows x cols} cells, each image upscaled {@code scale} times by
 * nearest neighbour (so a 28 x 28 digit stays sharp at 2x), with {@code padding} pixels of the
 * padding grey between tiles and around the border; cells beyond the batch stay padding grey.
 * A value {@code v} becomes the 8-bit level {@code round(255 * v)} after clamping to [0, 1]
 * (infinities clamp too). NaN cannot be clamped honestly, so its pixel is drawn in
 * {@link #NAN_RGB magenta}, a colour no grey image contains; in an RGB image it marks NaN to the eye
 * only, since (255, 0, 255) is also a colour such an image may hold.
 *
 * <p>Grey batches give a single-channel (grey) PNG, RGB batches an RGB one. A grey batch holding
 * a NaN gives an RGB picture (grey everywhere but the magenta markers), because a grey PNG has
 * no level left to mark NaN with.
 *
 * <p>{@link #pairs} lays out inputs with their reconstructions: each row of inputs has the row of
 * its reconstructions directly below it, so every input sits above its own reconstruction and
 * differences read at a glance down a column; pairs of rows are set apart by twice the padding.
 */
public final class ImageGrid {
    /** The packed RGB colour of a NaN pixel. */
    public static final int NAN_RGB = 0xFF00FF;

    private final int padding;
    private final int scale;
    private final int padLevel;

    /**
     * @param padding pixels between tiles and around the border, at least 0
     * @param scale integer upscaling factor, at least 1
     * @param padLevel the grey level (0..255) of the padding
     */
    public ImageGrid(int padding, int scale, int padLevel) {
        if (padding < 0 || scale < 1 || padLevel < 0 || padLevel > 255) {
            throw new IllegalArgumentException("grid needs padding >= 0, scale >= 1 and a pad level in 0..255, got "
                    + padding + ", " + scale + ", " + padLevel);
        }
        this.padding = padding;
        this.scale = scale;
        this.padLevel = padLevel;
    }

    /** Two pixels of mid-grey padding, which separates tiles on black and on white backgrounds alike. */
    public static ImageGrid standard(int scale) {
        return new ImageGrid(2, scale, 128);
    }

    /** The 8-bit level of a value: clamped to [0, 1], scaled to 255 and rounded. Not for NaN. */
    public static int level(float value) {
        if (value <= 0f) {
            return 0;
        }
        if (value >= 1f) {
            return 255;
        }
        return Math.round(value * 255f);
    }

    /** The batch's images in a {@code rows x cols} grid, row-major; at most {@code rows * cols} of them. */
    public BufferedImage tiles(ImageBatch images, int rows, int cols) {
        checkFits(images.count(), rows, cols);
        int tileW = images.width() * scale;
        int tileH = images.height() * scale;
        Canvas canvas = new Canvas(padding + cols * (tileW + padding), padding + rows * (tileH + padding));
        for (int i = 0; i < images.count(); i++) {
            int row = i / cols;
            int col = i % cols;
            canvas.draw(images, i, padding + col * (tileW + padding), padding + row * (tileH + padding));
        }
        return canvas.toImage(images.channels() == 3);
    }

    /**
     * Inputs and their reconstructions: {@code rows} pairs of rows of {@code cols} images, input i
     * directly above reconstruction i. Both batches have the same shape and count, at most
     * {@code rows * cols}.
     */
    public BufferedImage pairs(ImageBatch inputs, ImageBatch reconstructions, int rows, int cols) {
        if (!inputs.sameImageShape(reconstructions) || inputs.count() != reconstructions.count()) {
            throw new IllegalArgumentException("inputs and reconstructions differ in count or image shape");
        }
        checkFits(inputs.count(), rows, cols);
        int tileW = inputs.width() * scale;
        int tileH = inputs.height() * scale;
        int pairH = 2 * tileH + padding;
        int pairGap = 2 * padding;
        int height = 2 * padding + rows * pairH + (rows - 1) * pairGap;
        Canvas canvas = new Canvas(padding + cols * (tileW + padding), height);
        for (int i = 0; i < inputs.count(); i++) {
            int x = padding + (i % cols) * (tileW + padding);
            int y = padding + (i / cols) * (pairH + pairGap);
            canvas.draw(inputs, i, x, y);
            canvas.draw(reconstructions, i, x, y + tileH + padding);
        }
        return canvas.toImage(inputs.channels() == 3);
    }

    private static void checkFits(int count, int rows, int cols) {
        if (rows < 1 || cols < 1 || count > (long) rows * cols) {
            throw new IllegalArgumentException(count + " images do not fit a grid of " + rows + " x " + cols);
        }
    }

    /** Packed RGB pixels being filled; becomes a grey image when no pixel needed colour. */
    private final class Canvas {
        private final int width;
        private final int height;
        private final int[] rgb;
        private boolean hasColour;

        Canvas(int width, int height) {
            this.width = width;
            this.height = height;
            this.rgb = new int[width * height];
            Arrays.fill(rgb, grey(padLevel));
        }

        void draw(ImageBatch images, int index, int left, int top) {
            for (int y = 0; y < images.height(); y++) {
                for (int x = 0; x < images.width(); x++) {
                    fill(left + x * scale, top + y * scale, colour(images, index, y, x));
                }
            }
        }

        private int colour(ImageBatch images, int index, int y, int x) {
            if (images.channels() == 1) {
                float v = images.value(index, 0, y, x);
                if (Float.isNaN(v)) {
                    hasColour = true;
                    return NAN_RGB;
                }
                return grey(level(v));
            }
            float r = images.value(index, 0, y, x);
            float g = images.value(index, 1, y, x);
            float b = images.value(index, 2, y, x);
            if (Float.isNaN(r) || Float.isNaN(g) || Float.isNaN(b)) {
                return NAN_RGB;
            }
            return level(r) << 16 | level(g) << 8 | level(b);
        }

        private void fill(int left, int top, int colour) {
            for (int dy = 0; dy < scale; dy++) {
                int offset = (top + dy) * width + left;
                Arrays.fill(rgb, offset, offset + scale, colour);
            }
        }

        BufferedImage toImage(boolean rgbSource) {
            if (rgbSource || hasColour) {
                BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                int[] target = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
                System.arraycopy(rgb, 0, target, 0, rgb.length);
                return image;
            }
            // Every pixel is grey (r = g = b), so the low byte is its level. Writing the raster's
            // bytes directly keeps levels exact; drawing through Graphics would colour-convert them.
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] target = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < rgb.length; i++) {
                target[i] = (byte) rgb[i];
            }
            return image;
        }
    }

    private static int grey(int level) {
        return level << 16 | level << 8 | level;
    }
}
