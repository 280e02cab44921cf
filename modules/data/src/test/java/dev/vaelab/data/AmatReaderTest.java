package dev.vaelab.data;

import static dev.vaelab.data.TestFiles.gzip;
import static dev.vaelab.data.TestFiles.sha256;
import static dev.vaelab.data.TestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AmatReaderTest {
    @TempDir
    Path dir;

    @Test
    void binaryValuesBecomePixelsZeroAnd255() {
        byte[] text = "0 1 1\n1 0 0\n".getBytes(StandardCharsets.US_ASCII);
        Path file = write(dir.resolve("a.amat.gz"), gzip(text));
        byte[] pixels = AmatReader.read(file, 3, Optional.of(Checksum.sha256OfUncompressed(sha256(text))));
        assertArrayEquals(new byte[] {0, (byte) 255, (byte) 255, (byte) 255, 0, 0}, pixels);
    }

    @Test
    void manyLinesRoundTripAndToleratesCrLfAndAMissingFinalNewline() {
        byte[] binary = TestFiles.randomBytes(3, 784 * 1500);
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (binary[i] < 0 ? 255 : 0);
        }
        byte[] text = TestFiles.amat(binary, 784);
        Path file = write(dir.resolve("many.amat.gz"), gzip(text));
        assertArrayEquals(binary, AmatReader.read(file, 784, Optional.empty()));
        String crlf = "1 0\r\n0 1";
        Path windows = write(dir.resolve("crlf.amat.gz"), gzip(crlf.getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(new byte[] {(byte) 255, 0, 0, (byte) 255}, AmatReader.read(windows, 2, Optional.empty()));
    }

    @Test
    void wrongValueCountNamesFileAndLine() {
        Path file = write(dir.resolve("short.amat.gz"), gzip("0 1 1\n1 0\n".getBytes(StandardCharsets.US_ASCII)));
        DataException e = assertThrows(DataException.class, () -> AmatReader.read(file, 3, Optional.empty()));
        assertEquals(file + ": line 2 has 2 values, expected 3", e.getMessage());
        Path longer = write(dir.resolve("long.amat.gz"), gzip("0 1 1 1\n".getBytes(StandardCharsets.US_ASCII)));
        e = assertThrows(DataException.class, () -> AmatReader.read(longer, 3, Optional.empty()));
        assertEquals(longer + ": line 1: more than 3 values", e.getMessage());
    }

    @Test
    void nonBinaryValuesAreRejected() {
        Path file = write(dir.resolve("gray.amat.gz"), gzip("0 0.5 1\n".getBytes(StandardCharsets.US_ASCII)));
        DataException e = assertThrows(DataException.class, () -> AmatReader.read(file, 3, Optional.empty()));
        assertEquals(file + ": line 1: unexpected character '.', values must be 0 or 1", e.getMessage());
        Path joined = write(dir.resolve("joined.amat.gz"), gzip("0 11\n".getBytes(StandardCharsets.US_ASCII)));
        e = assertThrows(DataException.class, () -> AmatReader.read(joined, 3, Optional.empty()));
        assertEquals(joined + ": line 1: values must be 0 or 1, separated by spaces", e.getMessage());
    }

    @Test
    void sha256CoversTheUncompressedContent() {
        byte[] text = "1 1 0\n".getBytes(StandardCharsets.US_ASCII);
        byte[] gz = gzip(text);
        Path file = write(dir.resolve("c.amat.gz"), gz);
        // The digest of the compressed bytes is not what binarized MNIST publishes, so it must not match.
        String ofCompressed = sha256(gz);
        DataException e = assertThrows(DataException.class,
                () -> AmatReader.read(file, 3, Optional.of(Checksum.sha256OfUncompressed(ofCompressed))));
        assertEquals(file + ": checksum mismatch: expected sha256 " + ofCompressed + " of the uncompressed content, got " + sha256(text)
                + "; delete the file to download it again", e.getMessage());
    }

    @Test
    void aBrokenGzipCannotBeVerifiedAndSaysSo() {
        byte[] gz = gzip(TestFiles.amat(new byte[784 * 50], 784));
        Path file = write(dir.resolve("cut.amat.gz"), Arrays.copyOf(gz, gz.length - 12));
        DataException e = assertThrows(DataException.class,
                () -> AmatReader.read(file, 784, Optional.of(Checksum.sha256OfUncompressed("ab".repeat(32)))));
        assertTrue(e.getMessage().startsWith(file + ": not a complete gzip file"), e.getMessage());
        assertTrue(e.getMessage().endsWith("so its sha256 cannot be verified (expected sha256 " + "ab".repeat(32)
                + " of the uncompressed content); delete the file to download it again"), e.getMessage());
    }
}
