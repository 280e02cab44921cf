package dev.vaelab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        return new Checkpoint(1234, 3, values, Map.of("window/steps", 7.0, "window/sum/loss", 1234.5678901234));
    }

    @Test
    void roundTripsExactly() {
        Path file = dir.resolve("checkpoint");
        sample().write(file);
        Checkpoint back = Checkpoint.read(file);
        assertEquals(1234, back.updates());
        assertEquals(3, back.epochsDone());
        assertEquals(sample().values().keySet(), back.values().keySet());
        sample().values().forEach((k, v) -> assertArrayEquals(v, back.values().get(k), k));
        assertEquals(sample().counters(), back.counters());
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
