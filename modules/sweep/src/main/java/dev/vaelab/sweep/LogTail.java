package dev.vaelab.sweep;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The last lines of a run's log, read from its end so that a long log costs nothing. */
final class LogTail {
    private static final int WINDOW = 16 * 1024;
    /** How a launcher marks the start of an attempt in the log. */
    static final String HEADER = "=== ";

    private LogTail() {
    }

    /**
     * Up to {@code count} last non-blank lines of the last attempt (after the last launcher header),
     * oldest first; none if the file does not exist.
     */
    static List<String> lines(Path file, int count) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - WINDOW);
            byte[] bytes = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(bytes);
            // a progress bar drawn with carriage returns shows its last state
            String[] raw = new String(bytes, StandardCharsets.UTF_8).split("[\r\n]");
            List<String> lines = new ArrayList<>();
            // the first piece may be cut in the middle when the window starts mid-file
            for (String line : Arrays.asList(raw).subList(start > 0 ? 1 : 0, raw.length)) {
                if (line.startsWith(HEADER)) {
                    lines.clear(); // only the last attempt's output
                } else if (!line.isBlank()) {
                    lines.add(line.stripTrailing());
                }
            }
            return List.copyOf(lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    /** The last non-blank line the run printed in its last attempt, or the empty string. */
    static String last(Path file) {
        List<String> lines = lines(file, 1);
        return lines.isEmpty() ? "" : lines.get(0);
    }
}
