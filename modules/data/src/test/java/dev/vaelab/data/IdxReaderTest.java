package dev.vaelab.data;

import static dev.vaelab.data.TestFiles.gzip;
import static dev.vaelab.data.TestFiles.idxImages;
import static dev.vaelab.data.TestFiles.idxLabels;
import static dev.vaelab.data.TestFiles.md5;
import static dev.vaelab.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private final byte[] pixels = TestFiles.randomBytes(7, 3 * 4 * 5);

    @Test
    void imagesAndLabelsRoundTripExactly() {
        Path images = write(dir.resolve("img.gz"), gzip(idxImages(3, 4, 5, pixels)));
        Path labels = write(dir.resolve("lab.gz"), gzip(idxLabels(new int[] {9, 0, 255})));
        IdxReader.Images read = IdxReader.readImages(images, Optional.empty());
        assertEquals(3, read.count());
        assertEquals(4, read.rows());
        assertEquals(5, read.columns());
        assertArrayEquals(pixels, read.pixels());
        assertArrayEquals(new int[] {9, 0, 255}, IdxReader.readLabels(labels, Optional.empty()));
    }

    @Test
    void badMagicNamesTheFileAndTheMagic() {
        Path labels = write(dir.resolve("labels-as-images.gz"), gzip(idxLabels(new int[] {1, 2})));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(labels, Optional.empty()));
        assertEquals(labels + ": bad IDX magic 0x00000801 (this is a labels file), expected 0x00000803 for images", e.getMessage());
    }

    @Test
    void truncatedPayloadNamesTheFileAndTheShortfall() {
        byte[] full = idxImages(3, 4, 5, pixels);
        Path file = write(dir.resolve("short.gz"), gzip(Arrays.copyOf(full, full.length - 7)));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(file, Optional.empty()));
        assertEquals(file + ": truncated: the header declares 3 images of 4x5 (60 bytes) but only 53 bytes follow", e.getMessage());
    }

    @Test
    void extraBytesAfterThePayloadAreAnError() {
        byte[] full = idxImages(3, 4, 5, pixels);
        Path file = write(dir.resolve("long.gz"), gzip(Arrays.copyOf(full, full.length + 2)));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(file, Optional.empty()));
        assertEquals(file + ": 2 bytes follow the end of the data its header declares", e.getMessage());
    }

    @Test
    void truncatedHeaderIsAnError() {
        Path file = write(dir.resolve("header.gz"), gzip(new byte[] {0, 0, 8, 3, 0, 0}));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(file, Optional.empty()));
        assertEquals(file + ": truncated IDX header: it ends inside the size of dimension 0", e.getMessage());
    }

    @Test
    void truncatedOrNonGzipFilesNameTheFile() {
        byte[] gz = gzip(idxImages(3, 4, 5, pixels));
        Path cut = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(cut, Optional.empty()));
        assertTrue(e.getMessage().startsWith(cut + ": not a complete gzip file"), e.getMessage());
        Path plain = write(dir.resolve("plain.gz"), idxImages(3, 4, 5, pixels));
        e = assertThrows(DataException.class, () -> IdxReader.readImages(plain, Optional.empty()));
        assertTrue(e.getMessage().startsWith(plain + ": not a complete gzip file (Not in GZIP format)"), e.getMessage());
    }

    @Test
    void checksumIsVerifiedBeforeDataIsReturned() {
        byte[] gz = gzip(idxImages(3, 4, 5, pixels));
        Path file = write(dir.resolve("img.gz"), gz);
        assertArrayEquals(pixels, IdxReader.readImages(file, Optional.of(Checksum.md5(md5(gz)))).pixels());
        String wrong = "f68b3c2dcbeaaa9fbdd348bbdeb94873";
        DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(file, Optional.of(Checksum.md5(wrong))));
        assertEquals(file + ": checksum mismatch: expected md5 " + wrong + ", got " + md5(gz) + "; delete the file to download it again", e.getMessage());
    }

    @Test
    void aChecksumMismatchIsReportedRatherThanTheFormatProblemItCauses() {
        byte[] gz = gzip(idxLabels(new int[] {1, 2, 3}));
        Path file = write(dir.resolve("wrong.gz"), gz);
        DataException e = assertThrows(DataException.class,
                () -> IdxReader.readImages(file, Optional.of(Checksum.md5("00000000000000000000000000000000"))));
        assertTrue(e.getMessage().startsWith(file + ": checksum mismatch: expected md5 00000000000000000000000000000000, got " + md5(gz)),
                e.getMessage());
    }

    @Test
    void missingFileIsADataException() {
        Path file = dir.resolve("absent.gz");
        DataException e = assertThrows(DataException.class, () -> IdxReader.readLabels(file, Optional.empty()));
        assertEquals(file + ": no such file", e.getMessage());
    }
}
