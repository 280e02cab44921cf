package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ImageGridTest {
    private static final int PAD = 128;

    /** Encodes to PNG and decodes again, so the test sees what a viewer of the file sees. */
    private static BufferedImage throughPng(BufferedImage image) throws IOException {
        return javax.imageio.ImageIO.read(new ByteArrayInputStream(Png.encode(image)));
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    /** Level 20 i + 6 y + x + 1 for image i: distinct, and never the padding level. */
    private static int level(int image, int y, int x) {
        return 20 * image + 6 * y + x + 1;
    }

    @Test
    void greyTilesSitInTheirCellsScaledWithPaddingBetween() throws IOException {
        int count = 3;
        int height = 2;
        int width = 3;
        float[] pixels = new float[count * height * width];
        for (int i = 0; i < count; i++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    pixels[(i * height + y) * width + x] = level(i, y, x) / 255f;
                }
            }
        }
        BufferedImage grid = throughPng(
                new ImageGrid(2, 2, PAD).tiles(new ImageBatch(pixels, count, 1, height, width), 2, 2));

        // 2 + 2 * (3*2 + 2) wide, 2 + 2 * (2*2 + 2) high; one grey channel.
        assertEquals(18, grid.getWidth());
        assertEquals(14, grid.getHeight());
        assertEquals(1, grid.getRaster().getNumBands());
        Raster r = grid.getRaster();
        assertEquals(PAD, r.getSample(0, 0, 0));
        assertEquals(PAD, r.getSample(1, 1, 0));
        assertEquals(level(0, 0, 0), r.getSample(2, 2, 0));
        assertEquals(level(0, 0, 0), r.getSample(3, 3, 0));
        assertEquals(level(0, 0, 1), r.getSample(4, 2, 0));
        assertEquals(level(0, 1, 2), r.getSample(7, 5, 0));
        assertEquals(PAD, r.getSample(8, 2, 0));
        assertEquals(PAD, r.getSample(9, 5, 0));
        assertEquals(level(1, 0, 0), r.getSample(10, 2, 0));
        assertEquals(PAD, r.getSample(2, 6, 0));
        assertEquals(level(2, 0, 0), r.getSample(2, 8, 0));
        assertEquals(level(2, 1, 2), r.getSample(7, 11, 0));
        assertEquals(PAD, r.getSample(10, 8, 0), "the fourth cell has no image");
        assertEquals(PAD, r.getSample(17, 13, 0));
        // Every pixel of every tile, at its 2 x 2 block.
        int[][] origins = {{2, 2}, {10, 2}, {2, 8}};
        for (int i = 0; i < count; i++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int d = 0; d < 4; d++) {
                        assertEquals(level(i, y, x),
                                r.getSample(origins[i][0] + 2 * x + d % 2, origins[i][1] + 2 * y + d / 2, 0));
                    }
                }
            }
        }
        int padding = 0;
        for (int y = 0; y < 14; y++) {
            for (int x = 0; x < 18; x++) {
                padding += r.getSample(x, y, 0) == PAD ? 1 : 0;
            }
        }
        assertEquals(18 * 14 - count * 6 * 4, padding);
    }

    @Test
    void valuesAreClampedAndRounded() throws IOException {
        float[] values = {-0.5f, 1.7f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, 0.25f, 0f, 1f};
        BufferedImage grid = throughPng(
                new ImageGrid(0, 1, 0).tiles(new ImageBatch(values, 1, 1, 1, values.length), 1, 1));
        int[] expected = {0, 255, 255, 0, 128, 64, 0, 255};
        for (int x = 0; x < expected.length; x++) {
            assertEquals(expected[x], grid.getRaster().getSample(x, 0, 0), "value " + values[x]);
        }
    }

    @Test
    void nanIsMarkedInMagentaAndTheRestStaysGrey() throws IOException {
        float[] values = {Float.NaN, 0.2f};
        BufferedImage grid = throughPng(
                new ImageGrid(1, 2, PAD).tiles(new ImageBatch(values, 1, 1, 1, 2), 1, 1));

        assertEquals(3, grid.getRaster().getNumBands());
        assertEquals(0x808080, rgb(grid, 0, 0));
        for (int d = 0; d < 4; d++) {
            assertEquals(ImageGrid.NAN_RGB, rgb(grid, 1 + d % 2, 1 + d / 2));
            assertEquals(0x333333, rgb(grid, 3 + d % 2, 1 + d / 2));
        }
        assertEquals(0x808080, rgb(grid, 5, 3));
    }

    @Test
    void rgbImagesKeepTheirChannels() throws IOException {
        // Two 1 x 2 images, planar: image 0 is red then blue, image 1 is grey then NaN in green.
        float[] values = {
            1f, 0f, /* g */ 0f, 0f, /* b */ 0f, 1f,
            0.2f, 0.4f, /* g */ 0.2f, Float.NaN, /* b */ 0.2f, 0.6f};
        BufferedImage grid = throughPng(
                new ImageGrid(1, 1, PAD).tiles(new ImageBatch(values, 2, 3, 1, 2), 1, 2));

        assertEquals(7, grid.getWidth());
        assertEquals(3, grid.getHeight());
        assertEquals(0xFF0000, rgb(grid, 1, 1));
        assertEquals(0x0000FF, rgb(grid, 2, 1));
        assertEquals(0x808080, rgb(grid, 3, 1));
        assertEquals(0x333333, rgb(grid, 4, 1));
        assertEquals(ImageGrid.NAN_RGB, rgb(grid, 5, 1));
    }

    @Test
    void pairsPutEachReconstructionBelowItsInput() throws IOException {
        float[] inputs = {10 / 255f, 11 / 255f, 12 / 255f};
        float[] recons = {100 / 255f, 101 / 255f, 102 / 255f};
        BufferedImage grid = throughPng(new ImageGrid(1, 1, PAD).pairs(
                new ImageBatch(inputs, 3, 1, 1, 1), new ImageBatch(recons, 3, 1, 1, 1), 2, 2));

        // Columns: pad, tile, pad, tile, pad. Rows: pad, inputs, pad, reconstructions, then a double
        // gap between the two pairs of rows, inputs, pad, reconstructions, pad.
        assertEquals(5, grid.getWidth());
        assertEquals(10, grid.getHeight());
        int[][] expected = {
            {PAD, PAD, PAD, PAD, PAD},
            {PAD, 10, PAD, 11, PAD},
            {PAD, PAD, PAD, PAD, PAD},
            {PAD, 100, PAD, 101, PAD},
            {PAD, PAD, PAD, PAD, PAD},
            {PAD, PAD, PAD, PAD, PAD},
            {PAD, 12, PAD, PAD, PAD},
            {PAD, PAD, PAD, PAD, PAD},
            {PAD, 102, PAD, PAD, PAD},
            {PAD, PAD, PAD, PAD, PAD},
        };
        for (int y = 0; y < expected.length; y++) {
            for (int x = 0; x < expected[y].length; x++) {
                assertEquals(expected[y][x], grid.getRaster().getSample(x, y, 0), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void rejectsBatchesThatDoNotFit() {
        ImageBatch four = new ImageBatch(new float[4], 4, 1, 1, 1);
        ImageGrid grid = ImageGrid.standard(2);
        assertThrows(IllegalArgumentException.class, () -> grid.tiles(four, 1, 3));
        assertThrows(IllegalArgumentException.class,
                () -> grid.pairs(four, new ImageBatch(new float[8], 2, 1, 2, 2), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ImageBatch(new float[5], 1, 1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> new ImageBatch(new float[8], 1, 2, 2, 2));
    }
}
