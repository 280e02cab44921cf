package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private Checkpoint sample() {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("encoder/fc0/weight", new float[] {1.5f, -2f, Float.MIN_VALUE, 3e38f});
        values.put("encoder/fc0/weight.m", new float[] {0f, -0f});
        return new Checkpoint(1234, 3, 77, values, Map.of("window/steps", 7.0, "window/sum/loss", 1234.5678901234));
    }

    @Test
    void roundTripsExactly() {
        Path file = dir.resolve("checkpoint");
        sample().write(file);
        Checkpoint back = Checkpoint.read(file);
        assertEquals(1234, back.updates());
        assertEquals(3, back.epochsDone());
        assertEquals(77, back.metricRows());
        assertTrue(back.knowsMetricRows());
        assertEquals(sample().values().keySet(), back.values().keySet());
        sample().values().forEach((k, v) -> assertArrayEquals(v, back.values().get(k), k));
        assertEquals(sample().counters(), back.counters());
    }

    /**
     * The format as documented, built independently in memory: magic, version, updates, epochs, the
     * row count (version 2 only), counters, values, then the CRC-32 of everything before it.
     */
    private static byte[] documentedFormat(int version, long updates, int epochs, long rows, Map<String, Double> counters,
                                           Map<String, float[]> values) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeLong(0x5641454C4142434BL);
            out.writeInt(version);
            out.writeLong(updates);
            out.writeInt(epochs);
            if (version >= 2) {
                out.writeLong(rows);
            }
            out.writeInt(counters.size());
            for (Map.Entry<String, Double> e : counters.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeDouble(e.getValue());
            }
            out.writeInt(values.size());
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) {
                    out.writeInt(Float.floatToRawIntBits(f));
                }
            }
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes.toByteArray());
        return java.nio.ByteBuffer.allocate(bytes.size() + 8).put(bytes.toByteArray()).putLong(crc.getValue()).array();
    }

    @Test
    void theStreamedFileIsByteForByteTheFormatWrittenInMemory() throws Exception {
        // a parameter longer than the writer's 16 K-float chunk, so that chunk boundaries are crossed
        Map<String, float[]> values = new LinkedHashMap<>();
        float[] big = new float[40_000];
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) random.nextGaussian();
        }
        values.put("decoder/out/weight", big);
        values.put("decoder/out/weight.v", new float[] {Float.NaN, Float.NEGATIVE_INFINITY, 1e-45f});
        Checkpoint checkpoint = new Checkpoint(99, 2, 41, values, Map.of("window/steps", 3.0));
        Path file = dir.resolve("streamed");
        checkpoint.write(file);

        assertArrayEquals(documentedFormat(2, 99, 2, 41, Map.of("window/steps", 3.0), values), Files.readAllBytes(file));
        assertArrayEquals(big, Checkpoint.read(file).values().get("decoder/out/weight"));
    }

    @Test
    void aVersionOneCheckpointIsReadWithoutItsRowCount() throws Exception {
        // written by vaelab before checkpoints kept the metric rows: version 1, no row count after the epochs
        Path file = dir.resolve("v1");
        Files.write(file, documentedFormat(1, 600, 3, 0, Map.of("window/steps", 0.0),
                Map.of("decoder/out/bias", new float[] {0.25f, -1f})));
        Checkpoint back = Checkpoint.read(file);
        assertEquals(600, back.updates());
        assertEquals(3, back.epochsDone());
        assertEquals(Checkpoint.UNKNOWN_ROWS, back.metricRows());
        assertFalse(back.knowsMetricRows());
        assertArrayEquals(new float[] {0.25f, -1f}, back.values().get("decoder/out/bias"));
        assertEquals(Map.of("window/steps", 0.0), back.counters());
    }

    @Test
    void aFlippedByteIsDetected() throws Exception {
        Path file = dir.resolve("checkpoint");
        sample().write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        DataException e = assertThrows(DataException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void everySingleFlippedByteIsDetectedWithoutHugeAllocations() throws Exception {
        Path file = dir.resolve("checkpoint");
        sample().write(file);
        byte[] original = Files.readAllBytes(file);
        for (int i = 0; i < original.length; i++) {
            byte[] bytes = original.clone();
            bytes[i] ^= (byte) 0x80;
            Files.write(file, bytes);
            int at = i;
            assertThrows(DataException.class, () -> Checkpoint.read(file), "a flip at byte " + at + " went unnoticed");
        }
    }

    @Test
    void aTruncatedFileIsDetected() throws Exception {
        Path file = dir.resolve("checkpoint");
        sample().write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 12));
        assertThrows(DataException.class, () -> Checkpoint.read(file));
    }

    @Test
    void aForeignFileIsNamed() throws Exception {
        Path file = dir.resolve("not-a-checkpoint");
        Files.writeString(file, "hello, this is not a checkpoint at all");
        DataException e = assertThrows(DataException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains("not-a-checkpoint") && e.getMessage().contains("not a vaelab checkpoint"), e.getMessage());
    }
}
