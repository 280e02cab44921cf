package dev.vaelab.data.folder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

/** Resampling and colour conversion on constructed images whose answers are worked out by hand. */
class ImageResamplerTest {
    private static BufferedImage rgb(int w, int h, int[] argb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, w, h, argb, 0, w);
        return image;
    }

    private static BufferedImage grey(int w, int h, int[] values) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSamples(0, 0, w, h, 0, values);
        return image;
    }

    private static int[] bytes(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }

    @Test
    void halvingAveragesEachTwoByTwoBlock() {
        int[] v = {
            0, 10, 100, 110,
            20, 30, 120, 130,
            200, 210, 40, 50,
            220, 230, 60, 70};
        assertArrayEquals(new int[] {15, 115, 215, 55}, bytes(ImageResampler.toPlanes(grey(4, 4, v), 2, 1)));
    }

    @Test
    void fractionalCoverageWeightsByOverlap() {
        // 3x3 to 2x2: output (0,0) covers [0, 1.5)²: weights 1, 0.5 per axis, over an area of 2.25.
        int[] v = {
            90, 180, 0,
            36, 0, 0,
            0, 0, 0};
        double expected = (1 * 90 + 0.5 * 180 + 0.5 * 36 + 0.25 * 0) / 2.25;
        assertEquals(Math.round(expected), ImageResampler.toPlanes(grey(3, 3, v), 2, 1)[0] & 0xff);
    }

    @Test
    void theCentredSquareIsKept() {
        // 6x2: the centred 2x2 square is columns 2 and 3.
        int[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        assertArrayEquals(new int[] {3, 4, 9, 10}, bytes(ImageResampler.toPlanes(grey(6, 2, v), 2, 1)));
        // 2x5 portrait: rows 1.5 to 3.5 of 5, half of row 1, all of row 2, half of row 3 per output row 1..
        int[] tall = {0, 0, 40, 40, 80, 80, 120, 120, 160, 160};
        // output row 0 covers [1.5, 2.5): half row 1 (40), half row 2 (80) = 60; row 1 covers [2.5, 3.5): 100
        assertArrayEquals(new int[] {60, 60, 100, 100}, bytes(ImageResampler.toPlanes(grey(2, 5, tall), 2, 1)));
    }

    @Test
    void upscalingRepeatsPixels() {
        assertArrayEquals(new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7}, bytes(ImageResampler.toPlanes(grey(1, 1, new int[] {7}), 3, 1)));
    }

    @Test
    void coloursBecomePlanesOrLuma() {
        int red = 0xffc80000;
        int green = 0xff006400;
        int blue = 0x800000ff; // half transparent: alpha is dropped
        int white = 0xffffffff;
        BufferedImage image = rgb(2, 2, new int[] {red, green, blue, white});
        assertArrayEquals(new int[] {200, 0, 0, 255, 0, 100, 0, 255, 0, 0, 255, 255}, bytes(ImageResampler.toPlanes(image, 2, 3)));
        int[] luma = {Math.round(0.299f * 200), Math.round(0.587f * 100), Math.round(0.114f * 255), 255};
        assertArrayEquals(luma, bytes(ImageResampler.toPlanes(image, 2, 1)));
    }

    @Test
    void greyKeepsItsValuesInEveryChannel() {
        // ImageIO's RGB view of TYPE_BYTE_GRAY would turn 100 into about 168; the samples must come through unchanged.
        BufferedImage image = grey(1, 1, new int[] {100});
        assertArrayEquals(new int[] {100, 100, 100}, bytes(ImageResampler.toPlanes(image, 1, 3)));
        BufferedImage sixteen = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = sixteen.getRaster();
        raster.setSample(0, 0, 0, 65535);
        assertArrayEquals(new int[] {255}, bytes(ImageResampler.toPlanes(sixteen, 1, 1)));
    }
}
