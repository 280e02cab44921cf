package dev.vaelab.data.cifar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import dev.vaelab.data.Checksum;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarArchiveTest {
    static final List<String> NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    @TempDir
    Path dir;

    /** Batch b (1..5 training, 6 test) of {@code records} records: label (b + r) % 10, pixel p = (b * 7 + r * 3 + p) % 256. */
    static byte[] batch(int b, int records) {
        byte[] out = new byte[records * CifarBatch.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            out[r * CifarBatch.RECORD_BYTES] = (byte) ((b + r) % 10);
            for (int p = 0; p < CifarBatch.IMAGE_BYTES; p++) {
                out[r * CifarBatch.RECORD_BYTES + 1 + p] = (byte) ((b * 7 + r * 3 + p) % 256);
            }
        }
        return out;
    }

    /** The layout of cifar-10-binary.tar.gz with {@code records} per batch, members out of order as in the real archive. */
    static byte[] archive(int records) {
        TarBytes tar = new TarBytes().directory("cifar-10-batches-bin/")
                .file("cifar-10-batches-bin/batches.meta.txt", (String.join("\n", NAMES) + "\n\n").getBytes(StandardCharsets.US_ASCII));
        for (int b : new int[] {2, 5, 1}) {
            tar.file("cifar-10-batches-bin/data_batch_" + b + ".bin", batch(b, records));
        }
        tar.file("cifar-10-batches-bin/readme.html", "<html></html>".getBytes(StandardCharsets.US_ASCII))
                .file("cifar-10-batches-bin/test_batch.bin", batch(6, records));
        for (int b : new int[] {4, 3}) {
            tar.file("cifar-10-batches-bin/data_batch_" + b + ".bin", batch(b, records));
        }
        return tar.tarGz();
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void extractsEveryBatchInOrderWithItsLabelsAndPlanes() throws IOException {
        byte[] gz = archive(3);
        Path file = Files.write(dir.resolve("cifar-10-binary.tar.gz"), gz);
        Path out = dir.resolve("extracted");
        CifarArchive.Batches batches = CifarArchive.extract(file, Optional.of(Checksum.md5(md5(gz))), out);
        assertEquals(NAMES, batches.labelNames());
        assertEquals(5, batches.train().size());
        for (int b = 1; b <= 6; b++) {
            Path batch = b <= 5 ? batches.train().get(b - 1) : batches.test();
            assertEquals(out.resolve(b <= 5 ? "data_batch_" + b + ".bin" : "test_batch.bin"), batch);
            assertRecords(batch, b, 3);
        }
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of("batches.meta.txt", "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                    "data_batch_5.bin", "test_batch.bin"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(Optional.of(batches), CifarArchive.extracted(out));
        assertEquals(Optional.empty(), CifarArchive.extracted(dir.resolve("elsewhere")));
    }

    @Test
    void readsAnArchiveThatPythonsTarfileWrote() throws IOException, URISyntaxException {
        Path file = Path.of(getClass().getResource("/cifar/cifar_like.tar.gz").toURI());
        CifarArchive.Batches batches = CifarArchive.extract(file, Optional.empty(), dir);
        assertEquals(NAMES, batches.labelNames());
        for (int b = 1; b <= 5; b++) {
            assertRecords(batches.train().get(b - 1), b, 2);
        }
        assertRecords(batches.test(), 6, 2);
    }

    private static void assertRecords(Path batch, int b, int records) {
        List<Integer> labels = new ArrayList<>();
        CifarBatch.read(batch, (index, label, pixels) -> {
            labels.add(label);
            assertArrayEquals(Arrays.copyOfRange(batch(b, records), index * CifarBatch.RECORD_BYTES + 1, (index + 1) * CifarBatch.RECORD_BYTES),
                    pixels, batch + " record " + index);
        });
        List<Integer> expected = new ArrayList<>();
        for (int r = 0; r < records; r++) {
            expected.add((b + r) % 10);
        }
        assertEquals(expected, labels);
    }

    @Test
    void aChecksumMismatchLeavesNothingBehind() throws IOException {
        byte[] gz = archive(1);
        Path file = Files.write(dir.resolve("c.tar.gz"), gz);
        Path out = dir.resolve("out");
        String wrong = "c32a1d4ab5d03f1284b67883e8d87530";
        DataException e = assertThrows(DataException.class, () -> CifarArchive.extract(file, Optional.of(Checksum.md5(wrong)), out));
        assertEquals(file + ": checksum mismatch: expected md5 " + wrong + ", got " + md5(gz) + "; delete the file to download it again",
                e.getMessage());
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void aMissingBatchIsNamed() throws IOException {
        byte[] gz = new TarBytes().file("cifar-10-batches-bin/data_batch_1.bin", batch(1, 1))
                .file("cifar-10-batches-bin/batches.meta.txt", String.join("\n", NAMES).getBytes(StandardCharsets.US_ASCII)).tarGz();
        Path file = Files.write(dir.resolve("c.tar.gz"), gz);
        DataException e = assertThrows(DataException.class, () -> CifarArchive.extract(file, Optional.empty(), dir.resolve("out")));
        assertEquals(file + ": not the CIFAR-10 binary archive, it lacks cifar-10-batches-bin/data_batch_2.bin, cifar-10-batches-bin/data_batch_3.bin, "
                + "cifar-10-batches-bin/data_batch_4.bin, cifar-10-batches-bin/data_batch_5.bin, cifar-10-batches-bin/test_batch.bin", e.getMessage());
    }

    @Test
    void aBatchOfPartialRecordsIsNamed() throws IOException {
        TarBytes tar = new TarBytes().file("cifar-10-batches-bin/batches.meta.txt", String.join("\n", NAMES).getBytes(StandardCharsets.US_ASCII));
        for (int b = 1; b <= 5; b++) {
            byte[] data = batch(b, 1);
            tar.file("cifar-10-batches-bin/data_batch_" + b + ".bin", b == 4 ? Arrays.copyOf(data, 3000) : data);
        }
        Path file = Files.write(dir.resolve("c.tar.gz"), tar.file("cifar-10-batches-bin/test_batch.bin", batch(6, 1)).tarGz());
        DataException e = assertThrows(DataException.class, () -> CifarArchive.extract(file, Optional.empty(), dir.resolve("out")));
        assertEquals(file + ": cifar-10-batches-bin/data_batch_4.bin has 3000 bytes, not a whole number of 3073-byte records", e.getMessage());
    }

    @Test
    void truncatedOrCorruptArchivesAreOneLine() throws IOException {
        byte[] gz = archive(2);
        Path cut = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(gz, gz.length / 2));
        DataException e = assertThrows(DataException.class, () -> CifarArchive.extract(cut, Optional.empty(), dir.resolve("a")));
        assertTrue(e.getMessage().startsWith(cut + ": not a complete gzip file"), e.getMessage());
        byte[] tar = new TarBytes().file("cifar-10-batches-bin/test_batch.bin", batch(6, 1)).tar();
        tar[10] ^= 1;
        Path corrupt = Files.write(dir.resolve("corrupt.tar.gz"), gzip(tar));
        e = assertThrows(DataException.class, () -> CifarArchive.extract(corrupt, Optional.empty(), dir.resolve("b")));
        assertTrue(e.getMessage().startsWith(corrupt + ": corrupt tar header (checksum "), e.getMessage());
        Path missing = dir.resolve("absent.tar.gz");
        e = assertThrows(DataException.class, () -> CifarArchive.extract(missing, Optional.empty(), dir.resolve("c")));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void theGzipStreamIsReadToItsTrailerSoABadCrcFailsWithoutAChecksum() throws IOException {
        byte[] gz = archive(2);
        gz[gz.length - 8] ^= 1; // the trailer's CRC-32: every tar member decompresses, the check at the end fails
        Path file = Files.write(dir.resolve("crc.tar.gz"), gz);
        DataException e = assertThrows(DataException.class, () -> CifarArchive.extract(file, Optional.empty(), dir.resolve("d")));
        assertTrue(e.getMessage().startsWith(file + ": not a complete gzip file (Corrupt GZIP trailer"), e.getMessage());
    }

    @Test
    void aLabelOutsideTheTenClassesIsNamed() throws IOException {
        byte[] data = batch(1, 3);
        data[2 * CifarBatch.RECORD_BYTES] = 10;
        Path file = Files.write(dir.resolve("data_batch_1.bin"), data);
        DataException e = assertThrows(DataException.class, () -> CifarBatch.read(file, (i, l, p) -> { }));
        assertEquals(file + ": record 2 has label 10, CIFAR-10 labels are 0 to 9", e.getMessage());
        Path partial = Files.write(dir.resolve("partial.bin"), Arrays.copyOf(data, 4000));
        e = assertThrows(DataException.class, () -> CifarBatch.read(partial, (i, l, p) -> { }));
        assertEquals(partial + ": 4000 bytes, not a whole number of 3073-byte CIFAR-10 records; delete it to extract the archive again", e.getMessage());
    }

    @Test
    void gnuLongNamesAreFollowed() throws IOException {
        String name = "cifar-10-batches-bin/" + "x".repeat(120) + ".bin";
        TarReader reader = new TarReader(new java.io.ByteArrayInputStream(new TarBytes().longNamedFile(name, new byte[] {1, 2, 3}).tar()));
        TarReader.Entry entry = reader.next().orElseThrow();
        assertEquals(name, entry.name());
        assertArrayEquals(new byte[] {1, 2, 3}, reader.content().readAllBytes());
        assertEquals(Optional.empty(), reader.next());
    }

    private static byte[] gzip(byte[] data) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }
}
