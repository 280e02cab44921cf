package dev.vaelab.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.core.error.VaelabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    private static final int SIZE = 2 << 20;

    @TempDir
    Path dir;

    @Test
    void replacesContentAndLeavesOnlyTheTarget() throws Exception {
        Path target = dir.resolve("sub/run.json");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second, longer");
        AtomicFiles.write(target, new byte[] {1, 2, 3});

        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of("run.json"), files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
    }

    @Test
    void failedWriteLeavesTheTargetAndNoTempFile() throws Exception {
        Path target = dir.resolve("summary.json");
        AtomicFiles.writeString(target, "old");
        // A directory cannot be replaced by a file: the rename fails after the temp file was written.
        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked.resolve("child"));

        assertThrows(VaelabException.class, () -> AtomicFiles.writeString(blocked, "new"));

        assertEquals("old", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("blocked", "summary.json"),
                    files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
        }
    }

    @Test
    void concurrentReaderSeesOnlyWholeVersions() throws Exception {
        Path target = dir.resolve("grid.png");
        AtomicFiles.write(target, version((byte) 'a'));
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                do {
                    byte[] seen = Files.readAllBytes(target);
                    assertEquals(SIZE, seen.length, "a reader saw a partly written file");
                    for (byte b : seen) {
                        if (b != seen[0]) {
                            throw new AssertionError("a reader saw a mix of two versions");
                        }
                    }
                    reads++;
                } while (writing.get());
                return reads;
            });
            Future<?> writer = pool.submit(() -> {
                try {
                    for (byte fill = 'b'; fill <= 'k'; fill++) {
                        AtomicFiles.write(target, version(fill));
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            writer.get(60, TimeUnit.SECONDS);
            assertTrue(reader.get(60, TimeUnit.SECONDS) >= 1);
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(version((byte) 'k'), Files.readAllBytes(target));
    }

    private static byte[] version(byte fill) {
        byte[] content = new byte[SIZE];
        Arrays.fill(content, fill);
        return content;
    }
}
