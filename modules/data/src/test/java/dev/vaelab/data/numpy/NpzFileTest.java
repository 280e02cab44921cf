package dev.vaelab.data.numpy;

import static dev.vaelab.data.numpy.NpyBytes.doubles;
import static dev.vaelab.data.numpy.NpyBytes.longs;
import static dev.vaelab.data.numpy.NpyBytes.npy;
import static dev.vaelab.data.numpy.NpyBytes.npz;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code .npz} and {@code .npy} files written by the test's own writer: structure, streaming and every error. */
class NpzFileTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** dSprites' official structure (imgs uint8 [N,64,64] in {0,1}, latents int64 and float64 [N,6], pickled metadata), N = 300. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsTheOfficialDspritesStructure(boolean deflated) throws IOException {
        int n = 300;
        byte[] imgs = new byte[n * 64 * 64];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < imgs.length; i++) {
            imgs[i] = (byte) (random.nextInt(4) == 0 ? 1 : 0);
        }
        long[] classes = new long[n * 6];
        double[] values = new double[n * 6];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = random.nextInt(40);
            values[i] = classes[i] * 0.25;
        }
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("metadata", npy("|O", new long[] {}, new byte[] {(byte) 0x80, 2, 'c', 'x', '.'}));
        members.put("imgs", npy("|u1", new long[] {n, 64, 64}, imgs));
        members.put("latents_classes", npy("<i8", new long[] {n, 6}, longs(classes)));
        members.put("latents_values", npy("<f8", new long[] {n, 6}, doubles(values)));
        Path file = write("dsprites.npz", npz(members, deflated));
        NpzFile npz = NpzFile.open(file);
        assertArrayEquals(classes, npz.array("latents_classes").readLongs());
        assertArrayEquals(values, npz.array("latents_values").readDoubles());
        NpyImages images = NpyImages.of(npz.array("imgs"), Optional.empty());
        assertEquals(ImageLayout.NHW, images.layout());
        assertEquals(n, images.count());
        assertEquals(NpyImages.Scaling.BINARY, images.scan());
        long[] seen = {0};
        images.forEach(NpyImages.Scaling.BINARY, (index, pixels) -> {
            assertEquals(seen[0]++, index);
            for (int p = 0; p < 4096; p++) {
                assertEquals(imgs[(int) index * 4096 + p] * 255, pixels[p] & 0xff);
            }
        });
        assertEquals(n, seen[0]);
    }

    @Test
    void largeArraysStreamInBoundedChunksOfWholeRows() throws IOException {
        int rows = 1000;
        byte[] data = new byte[rows * 1000];
        new SplittableRandom(1).nextBytes(data);
        Path file = write("big.npy", npy("|u1", new long[] {rows, 10, 100}, data));
        NpyArray array = NpyFile.open(file);
        List<long[]> chunks = new ArrayList<>();
        byte[] copy = new byte[data.length];
        array.forEachChunk(64 * 1024, (first, count, buffer) -> {
            chunks.add(new long[] {first, count});
            System.arraycopy(buffer.array(), 0, copy, (int) first * 1000, count * 1000);
        });
        assertArrayEquals(data, copy);
        assertTrue(chunks.size() > 1);
        for (long[] c : chunks) {
            assertTrue(c[1] * 1000 <= 64 * 1024, "chunk of " + c[1] + " rows");
        }
        assertEquals(1000 * 1000 + 128, array.header().dataOffset() + array.header().dataBytes());
    }

    @Test
    void wholeReadsAreBounded() throws IOException {
        long n = NpyArray.MAX_WHOLE_ELEMENTS + 1L;
        Path file = write("huge.npy", npy("|u1", new long[] {n}, new byte[0]));
        // The header alone: the size check of the file fires first, before any memory is spent.
        DataException e = assertThrows(DataException.class, () -> NpyFile.open(file));
        assertEquals(file + ": truncated: the header declares |u1 (" + n + ",) (" + n + " bytes of data) but the file has 0", e.getMessage());
        Path member = write("huge.npz", npz(Map.of("x", npy("|u1", new long[] {n}, new byte[0])), true));
        NpzFile npz = NpzFile.open(member);
        e = assertThrows(DataException.class, () -> npz.array("x").readLongs());
        assertEquals(member + "[x]: shape (" + n + ",) has " + n + " elements, more than the " + NpyArray.MAX_WHOLE_ELEMENTS
                + " read whole; labels and factors are expected to be small", e.getMessage());
    }

    @Test
    void aTruncatedMemberSaysHowMuchIsMissing() throws IOException {
        byte[] full = npy("<i8", new long[] {4, 2}, longs(1, 2, 3, 4, 5, 6, 7, 8));
        Path file = write("short.npz", npz(Map.of("labels", Arrays.copyOf(full, full.length - 12)), false));
        NpzFile npz = NpzFile.open(file);
        DataException e = assertThrows(DataException.class, () -> npz.array("labels").readLongs());
        assertEquals(file + "[labels]: truncated: the header declares <i8 (4, 2) (64 bytes of data) but only 52 bytes follow", e.getMessage());
    }

    @Test
    void notANumpyFileOrZipIsOneLine() throws IOException {
        Path text = write("text.npz", "hello".getBytes());
        DataException e = assertThrows(DataException.class, () -> NpzFile.open(text));
        assertTrue(e.getMessage().startsWith(text + ": not an .npz file (not a readable zip archive"), e.getMessage());
        Path notNpy = write("x.npy", "PK\3\4 something else".getBytes());
        e = assertThrows(DataException.class, () -> NpyFile.open(notNpy));
        assertEquals(notNpy + ": not a NumPy .npy array (it does not start with \\x93NUMPY)", e.getMessage());
        Path missing = dir.resolve("absent.npz");
        e = assertThrows(DataException.class, () -> NpzFile.open(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void badHeadersNameWhatIsWrong() throws IOException {
        Path structured = write("s.npy", NpyBytes.npyWithHeader("{'descr': [('a', '<i4'), ('b', '<f8')], 'fortran_order': False, 'shape': (2,), }",
                new byte[24], 1));
        DataException e = assertThrows(DataException.class, () -> NpyFile.open(structured));
        assertEquals(structured + ": structured dtype [[a, <i4], [b, <f8]] is not supported; save each field as its own array", e.getMessage());
        Path noShape = write("n.npy", NpyBytes.npyWithHeader("{'descr': '<i4', 'fortran_order': False}", new byte[0], 1));
        e = assertThrows(DataException.class, () -> NpyFile.open(noShape));
        assertEquals(noShape + ": bad .npy header: it needs 'descr' (a string), 'fortran_order' (True or False) and 'shape' (a tuple): "
                + "{'descr': '<i4', 'fortran_order': False}", e.getMessage());
        Path garbled = write("g.npy", NpyBytes.npyWithHeader("{'descr': '<i4', 'shape': (2, 3) 'x'}", new byte[0], 1));
        e = assertThrows(DataException.class, () -> NpyFile.open(garbled));
        assertTrue(e.getMessage().startsWith(garbled + ": bad .npy header: expected ',' or '}' at character"), e.getMessage());
        Path version = write("v.npy", npyOfVersion("<i4", new long[] {1}, new byte[4], 4));
        e = assertThrows(DataException.class, () -> NpyFile.open(version));
        assertEquals(version + ": .npy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)", e.getMessage());
    }

    @Test
    void unsupportedDtypesOpenButAreNotRead() throws IOException {
        Path file = write("c.npz", npz(Map.of("z", npy("<c16", new long[] {1}, new byte[16])), false));
        NpzFile npz = NpzFile.open(file);
        DataException e = assertThrows(DataException.class, () -> npz.array("z").readDoubles());
        assertEquals(file + "[z]: dtype <c16 is not supported (bool, int8 to int64, uint8 to uint64, float32 and float64 are)", e.getMessage());
        e = assertThrows(DataException.class, () -> NpyImages.of(npz.array("z"), Optional.empty()));
        assertEquals(file + "[z]: images must be uint8 (0 to 255), bool, or float32/float64 (0 to 1); found dtype <c16", e.getMessage());
    }

    @Test
    void floatsAreNotReadAsIntegers() throws IOException {
        Path file = write("f.npy", npy("<f8", new long[] {2}, doubles(1, 2)));
        DataException e = assertThrows(DataException.class, () -> NpyFile.open(file).readLongs());
        assertEquals(file + ": dtype <f8 is not an integer type (int8 to int64, uint8 to uint64 or bool)", e.getMessage());
    }

    private static byte[] npyOfVersion(String descr, long[] shape, byte[] data, int version) {
        return NpyBytes.npy(descr, shape, false, data, version);
    }
}
