package dev.vaelab.data.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Reads files that real NumPy wrote ({@code src/test/resources/numpy/make_fixtures.py}) and checks every value. */
class NumpyFixturesTest {
    private static final long[] SHAPE = {2, 3, 4};

    /** The fixture script's {@code values(24)}: {@code arange(24) * 7 % 11 - 3}. */
    private static long[] values() {
        long[] v = new long[24];
        for (int i = 0; i < 24; i++) {
            v[i] = i * 7L % 11 - 3;
        }
        return v;
    }

    static Path fixture(String name) {
        try {
            return Path.of(NumpyFixturesTest.class.getResource("/numpy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"all_dtypes_stored.npz", "all_dtypes_deflated.npz"})
    void everyDtypeReadsToTheValuesNumPyWrote(String name) {
        long[] v = values();
        NpzFile npz = NpzFile.open(fixture(name));
        assertEquals(List.of("u1", "b1", "i1", "i2", "i4", "i8", "u2", "u4", "u8", "f4", "f8", "f8be", "i4be"), List.copyOf(npz.arrays().keySet()));
        for (String key : List.of("i1", "i2", "i4", "i8", "i4be")) {
            assertArrayEquals(SHAPE, npz.array(key).shape(), key);
            assertArrayEquals(v, npz.array(key).readLongs(), key);
        }
        long[] shifted = new long[24];
        long[] flags = new long[24];
        double[] quarters = new double[24];
        for (int i = 0; i < 24; i++) {
            shifted[i] = v[i] + 3;
            flags[i] = v[i] > 2 ? 1 : 0;
            quarters[i] = v[i] / 4.0;
        }
        for (String key : List.of("u1", "u2", "u4", "u8")) {
            assertArrayEquals(shifted, npz.array(key).readLongs(), key);
        }
        assertArrayEquals(flags, npz.array("b1").readLongs());
        for (String key : List.of("f4", "f8", "f8be")) {
            assertArrayEquals(quarters, npz.array(key).readDoubles(), key);
        }
        assertEquals("|u1", npz.array("u1").dtype().descr());
        assertEquals(">f8", npz.array("f8be").dtype().descr());
    }

    @Test
    void dspritesStructureWithItsPickledMetadataOpens() {
        NpzFile npz = NpzFile.open(fixture("dsprites_like.npz"));
        assertEquals(NpyDtype.Kind.OBJECT, npz.array("metadata").dtype().kind());
        DataException e = assertThrows(DataException.class, () -> npz.array("metadata").readDoubles());
        assertEquals(fixture("dsprites_like.npz") + "[metadata]: dtype |O holds pickled Python objects, which cannot be read; "
                + "save numbers as a numeric array", e.getMessage());
        long[] classes = npz.array("latents_classes").readLongs();
        double[] values = npz.array("latents_values").readDoubles();
        for (int n = 0; n < 5; n++) {
            long[] expected = {0, n % 3, n % 2, n, n % 4, 4 - n};
            for (int f = 0; f < 6; f++) {
                assertEquals(expected[f], classes[n * 6 + f]);
                assertEquals(expected[f] / 2.0, values[n * 6 + f]);
            }
        }
        NpyImages images = NpyImages.of(npz.array("imgs"), Optional.empty());
        assertEquals("1x4x4", images.shape().toString());
        assertEquals(NpyImages.Scaling.BINARY, images.scan());
        images.forEach(NpyImages.Scaling.BINARY, (index, pixels) -> {
            for (int p = 0; p < 16; p++) {
                assertEquals((index * 16 + p) % 3 == 0 ? 255 : 0, pixels[p] & 0xff);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"version2.npy", "version3.npy"})
    void headersOfVersionsTwoAndThreeRead(String name) {
        NpyArray array = NpyFile.open(fixture(name));
        assertArrayEquals(SHAPE, array.shape());
        assertArrayEquals(values(), array.readLongs());
    }

    @Test
    void aScalarIsOneValue() {
        NpyArray array = NpyFile.open(fixture("scalar.npy"));
        assertEquals(0, array.rank());
        assertArrayEquals(new double[] {2.5}, array.readDoubles());
    }

    @Test
    void fortranOrderIsRejectedWithTheFix() {
        Path file = fixture("fortran.npy");
        DataException e = assertThrows(DataException.class, () -> NpyFile.open(file).readDoubles());
        assertEquals(file + ": the array is stored in Fortran (column-major) order, which is not supported; save it with "
                + "np.ascontiguousarray(a) to store it in C order", e.getMessage());
    }

    @Test
    void aMissingKeyListsTheKeysPresent() {
        Path file = fixture("dsprites_like.npz");
        NpzFile npz = NpzFile.open(file);
        DataException e = assertThrows(DataException.class, () -> npz.array("images"));
        assertEquals(file + ": no array 'images'; it holds imgs, latents_classes, latents_values, metadata", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"all_dtypes_stored.npz", "zip64_stored.npz"})
    void storedMembersCanBeReadAtTheirPositionInTheFile(String name) throws IOException {
        Path file = fixture(name);
        NpzFile npz = NpzFile.open(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (NpyArray array : npz.arrays().values()) {
                ByteBuffer direct = ByteBuffer.allocate((int) array.header().dataBytes()).order(array.dtype().order());
                channel.read(direct, array.dataPosition().orElseThrow());
                ByteBuffer streamed = ByteBuffer.allocate(direct.capacity());
                array.forEachChunk(1 << 20, (first, rows, data) -> streamed.put(data.array(), 0, (int) (rows * array.rowElements()
                        * array.dtype().itemSize())));
                assertArrayEquals(streamed.array(), direct.array(), array.where());
            }
        }
        assertEquals(24, npz.arrays().values().iterator().next().header().count());
    }

    @Test
    void deflatedMembersHaveNoPositionAndANpyFileHasItsHeaderLength() {
        NpzFile npz = NpzFile.open(fixture("all_dtypes_deflated.npz"));
        assertEquals(OptionalLong.empty(), npz.array("u1").dataPosition());
        NpyArray npy = NpyFile.open(fixture("version3.npy"));
        assertEquals(OptionalLong.of(npy.header().dataOffset()), npy.dataPosition());
        assertArrayEquals(values(), npy.readLongs());
    }
}
