package dev.vaelab.data.numpy;

import static dev.vaelab.data.numpy.NpyBytes.floats;
import static dev.vaelab.data.numpy.NpyBytes.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout rule and the conversion of values to channels-first bytes, on arrays with known answers. */
class NpyImagesTest {
    @TempDir
    Path dir;

    @Test
    void theLayoutRule() {
        assertEquals(ImageLayout.NHW, ImageLayout.infer(new long[] {10, 64, 64}));
        assertEquals(ImageLayout.NHWC, ImageLayout.infer(new long[] {10, 32, 32, 3}));
        assertEquals(ImageLayout.NHWC, ImageLayout.infer(new long[] {10, 32, 32, 4}));
        assertEquals(ImageLayout.NHWC, ImageLayout.infer(new long[] {10, 28, 28, 1}));
        assertEquals(ImageLayout.NCHW, ImageLayout.infer(new long[] {10, 3, 32, 32}));
        assertEquals(ImageLayout.NCHW, ImageLayout.infer(new long[] {10, 1, 28, 28}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageLayout.infer(new long[] {10, 3, 5, 3}));
        assertEquals("the layout of shape [10, 3, 5, 3] is ambiguous; set layout to NHWC or NCHW", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageLayout.infer(new long[] {10, 5, 5, 5}));
        assertEquals("the layout of shape [10, 5, 5, 5] is ambiguous; set layout to NHWC or NCHW", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ImageLayout.infer(new long[] {10, 64}));
        assertEquals("images must have 3 dimensions [N, H, W] or 4 ([N, H, W, C] or [N, C, H, W]), found 2", e.getMessage());
        assertEquals(Optional.of(ImageLayout.NCHW), ImageLayout.parse("nchw"));
        assertEquals(Optional.empty(), ImageLayout.parse("CHW"));
    }

    @Test
    void channelsLastBecomeChannelsFirst() throws IOException {
        // 2 images of 2x3 RGB; value = 100*image + 10*channel + pixel index
        byte[] data = new byte[2 * 6 * 3];
        for (int n = 0; n < 2; n++) {
            for (int p = 0; p < 6; p++) {
                for (int c = 0; c < 3; c++) {
                    data[(n * 6 + p) * 3 + c] = (byte) (100 * n + 10 * c + p);
                }
            }
        }
        List<byte[]> out = read(npy("|u1", new long[] {2, 2, 3, 3}, data), Optional.empty());
        for (int n = 0; n < 2; n++) {
            byte[] expected = new byte[18];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 6; p++) {
                    expected[c * 6 + p] = (byte) (100 * n + 10 * c + p);
                }
            }
            assertArrayEquals(expected, out.get(n));
        }
    }

    @Test
    void theLayoutKeyOverridesTheRule() throws IOException {
        // [1, 3, 2, 3] would be ambiguous; as NCHW the bytes are already channels first
        byte[] data = new byte[18];
        for (int i = 0; i < 18; i++) {
            data[i] = (byte) (i + 2);
        }
        byte[] npy = npy("|u1", new long[] {1, 3, 2, 3}, data);
        assertArrayEquals(data, read(npy, Optional.of(ImageLayout.NCHW)).get(0));
        Path file = Files.write(dir.resolve("amb.npy"), npy);
        DataException e = assertThrows(DataException.class, () -> NpyImages.of(NpyFile.open(file), Optional.empty()));
        assertEquals(file + ": the layout of shape [1, 3, 2, 3] is ambiguous; set layout to NHWC or NCHW", e.getMessage());
    }

    @Test
    void rgbaLosesItsAlpha() throws IOException {
        byte[] data = {1, 2, 3, 99, 4, 5, 6, 99, 7, 8, 9, 99, 10, 11, 12, 99};
        NpyImages images = NpyImages.of(NpyFile.open(Files.write(dir.resolve("rgba.npy"), npy("|u1", new long[] {1, 2, 2, 4}, data))),
                Optional.empty());
        assertEquals("3x2x2", images.shape().toString());
        assertArrayEquals(new byte[] {1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12},
                read(npy("|u1", new long[] {1, 2, 2, 4}, data), Optional.empty()).get(0));
    }

    @Test
    void uint8IsUsedAsIsUnlessItIsBinary() throws IOException {
        assertArrayEquals(new byte[] {0, 1, 7, (byte) 255}, read(npy("|u1", new long[] {1, 2, 2}, new byte[] {0, 1, 7, (byte) 255}),
                Optional.empty()).get(0));
        assertArrayEquals(new byte[] {0, (byte) 255, (byte) 255, 0}, read(npy("|u1", new long[] {1, 2, 2}, new byte[] {0, 1, 1, 0}),
                Optional.empty()).get(0));
        assertArrayEquals(new byte[] {0, (byte) 255}, read(npy("|b1", new long[] {1, 1, 2}, new byte[] {0, 1}), Optional.empty()).get(0));
    }

    @Test
    void floatsInTheUnitIntervalAreScaledAndRounded() throws IOException {
        byte[] npy = npy("<f4", new long[] {1, 1, 4}, floats(0f, 0.5f, 1f / 255 * 3.4f, 1f));
        assertArrayEquals(new byte[] {0, (byte) 128, 3, (byte) 255}, read(npy, Optional.empty()).get(0));
    }

    @Test
    void aFloatOutsideTheUnitIntervalIsNamedByItsIndex() throws IOException {
        Path file = Files.write(dir.resolve("f.npy"), npy("<f4", new long[] {2, 2, 1}, floats(0f, 0.5f, 1f, 1.5f)));
        NpyImages images = NpyImages.of(NpyFile.open(file), Optional.empty());
        DataException e = assertThrows(DataException.class, images::scan);
        assertEquals(file + ": value 1.5 at [1, 1, 0] is outside [0, 1]; float images must lie in [0, 1] (or be uint8 in [0, 255])",
                e.getMessage());
        Path nan = Files.write(dir.resolve("nan.npy"), npy("<f4", new long[] {1, 1, 1}, floats(Float.NaN)));
        e = assertThrows(DataException.class, () -> NpyImages.of(NpyFile.open(nan), Optional.empty()).scan());
        assertEquals(nan + ": value NaN at [0, 0, 0] is outside [0, 1]; float images must lie in [0, 1] (or be uint8 in [0, 255])",
                e.getMessage());
    }

    @Test
    void wrongRankOrChannelsNameTheArray() throws IOException {
        Path file = Files.write(dir.resolve("two.npy"), npy("|u1", new long[] {2, 5, 5, 2}, new byte[100]));
        DataException e = assertThrows(DataException.class, () -> NpyImages.of(NpyFile.open(file), Optional.of(ImageLayout.NHWC)));
        assertEquals(file + ": in layout NHWC shape [2, 5, 5, 2] has 2 channels; images have 1 (grey), 3 (RGB) or 4 (RGBA)", e.getMessage());
        e = assertThrows(DataException.class, () -> NpyImages.of(NpyFile.open(file), Optional.of(ImageLayout.NHW)));
        assertEquals(file + ": layout NHW needs 3 dimensions, the array has 4", e.getMessage());
    }

    private List<byte[]> read(byte[] npy, Optional<ImageLayout> layout) throws IOException {
        Path file = Files.write(Files.createTempFile(dir, "a", ".npy"), npy);
        NpyImages images = NpyImages.of(NpyFile.open(file), layout);
        NpyImages.Scaling scaling = images.scan();
        List<byte[]> out = new ArrayList<>();
        images.forEach(scaling, (index, pixels) -> out.add(pixels.clone()));
        assertEquals(images.count(), out.size());
        return out;
    }

    @Test
    void theScanOfGreyUint8StopsAtTheFirstValueAboveOne() throws IOException {
        // 10 MB declared, 6 MB present: a scan that read on would hit the truncation after its first 4 MB chunk.
        byte[] data = new byte[6 << 20];
        data[0] = 2;
        byte[] full = npy("|u1", new long[] {10 << 10, 32, 32}, data);
        Path file = Files.write(dir.resolve("grey.npz"), NpyBytes.npz(java.util.Map.of("x", full), false));
        NpyImages images = NpyImages.of(NpzFile.open(file).array("x"), Optional.empty());
        assertEquals(NpyImages.Scaling.AS_IS, images.scan());
        DataException e = assertThrows(DataException.class, () -> images.forEach(NpyImages.Scaling.AS_IS, (index, pixels) -> { }));
        assertEquals(file + "[x]: truncated: the header declares |u1 (10240, 32, 32) (10485760 bytes of data) but only 6291456 bytes follow",
                e.getMessage());
    }
}
