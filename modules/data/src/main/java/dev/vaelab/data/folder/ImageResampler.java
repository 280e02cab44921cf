package dev.vaelab.data.folder;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded image into {@code channels × size × size} uint8 planes: the centred square of side
 * {@code min(width, height)} (the same crop as resizing the shorter side to {@code size} and
 * centre-cropping) is resampled to {@code size × size} by area averaging, in which each output pixel
 * is the mean of the source area it covers, weighting partly covered pixels by their overlap. That is
 * the right filter for downscaling (no aliasing, unlike nearest or plain bilinear); upscaling by it
 * repeats source pixels, blending at their borders.
 *
 * <p>Colour: grey images keep their sample values (read from the raster, since ImageIO's RGB view of
 * a grey image applies a gamma curve), other images are read as sRGB with alpha dropped (as PIL's
 * {@code convert("RGB")} does). One channel is the luma {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R
 * BT.601, PIL's {@code "L"}); three channels from a grey image repeat it.
 */
public final class ImageResampler {
    private ImageResampler() {}

    /** The planes of {@code image}, {@code channels} (1 or 3) of {@code size × size} bytes. */
    public static byte[] toPlanes(BufferedImage image, int size, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int side = Math.min(w, h);
        Axis columns = new Axis((w - side) / 2.0, side, size);
        Axis rows = new Axis((h - side) / 2.0, side, size);
        // Row by row: the horizontal pass needs one source row at a time, so a 12-megapixel photo costs
        // rows × size floats here rather than a float copy of every pixel.
        RowReader reader = new RowReader(image, channels);
        float[][] horizontal = new float[channels][h * size];
        for (int y = rows.first[0]; y <= rows.last[size - 1]; y++) {
            float[][] row = reader.row(y);
            for (int c = 0; c < channels; c++) {
                for (int x = 0; x < size; x++) {
                    horizontal[c][y * size + x] = columns.apply(row[c], 0, 1, x);
                }
            }
        }
        byte[] out = new byte[channels * size * size];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float v = rows.apply(horizontal[c], x, size, y);
                    out[(c * size + y) * size + x] = (byte) Math.min(255, Math.max(0, Math.round(v)));
                }
            }
        }
        return out;
    }

    /** One source row at a time as float channels in [0, 255]: one (grey or luma) or three (R, G, B). */
    private static final class RowReader {
        private final BufferedImage image;
        private final Raster raster;
        private final boolean grey;
        private final float greyScale;
        private final float[][] row;
        private final int[] rgb;
        private final float[] samples;

        RowReader(BufferedImage image, int channels) {
            this.image = image;
            this.raster = image.getRaster();
            this.grey = raster.getNumBands() == 1 && !(image.getColorModel() instanceof IndexColorModel)
                    && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
            this.greyScale = grey ? 255f / ((1 << image.getColorModel().getComponentSize(0)) - 1) : 1;
            int w = image.getWidth();
            this.row = new float[channels][w];
            this.rgb = new int[w];
            this.samples = new float[w];
        }

        float[][] row(int y) {
            int w = image.getWidth();
            if (grey) {
                raster.getSamples(0, y, w, 1, 0, samples);
                for (int x = 0; x < w; x++) {
                    float v = samples[x] * greyScale;
                    for (float[] channel : row) {
                        channel[x] = v;
                    }
                }
                return row;
            }
            image.getRGB(0, y, w, 1, rgb, 0, w);
            for (int x = 0; x < w; x++) {
                float r = rgb[x] >> 16 & 0xff;
                float g = rgb[x] >> 8 & 0xff;
                float b = rgb[x] & 0xff;
                if (row.length == 1) {
                    row[0][x] = 0.299f * r + 0.587f * g + 0.114f * b;
                } else {
                    row[0][x] = r;
                    row[1][x] = g;
                    row[2][x] = b;
                }
            }
            return row;
        }
    }

    /**
     * The area-averaging weights along one axis: output pixel {@code i} covers the source interval
     * {@code [offset + i·side/size, offset + (i+1)·side/size)}; source pixel {@code j} covers {@code [j, j+1)}.
     */
    private static final class Axis {
        final int[] first;
        final int[] last;
        final float[][] weights;

        Axis(double offset, int side, int size) {
            first = new int[size];
            last = new int[size];
            weights = new float[size][];
            double step = (double) side / size;
            for (int i = 0; i < size; i++) {
                double from = offset + i * step;
                double to = offset + (i + 1) * step;
                first[i] = (int) Math.floor(from);
                last[i] = Math.max(first[i], (int) Math.ceil(to) - 1);
                weights[i] = new float[last[i] - first[i] + 1];
                for (int j = first[i]; j <= last[i]; j++) {
                    double overlap = Math.min(to, j + 1) - Math.max(from, j);
                    weights[i][j - first[i]] = (float) (overlap / step);
                }
            }
        }

        /** The weighted sum for output {@code i} of the samples {@code data[base + j·stride]}. */
        float apply(float[] data, int base, int stride, int i) {
            float sum = 0;
            float[] w = weights[i];
            for (int k = 0; k < w.length; k++) {
                sum += w[k] * data[base + (first[i] + k) * stride];
            }
            return sum;
        }
    }
}
