package dev.vaelab.tracking;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The format of {@code grids/index.csv}: a header {@code file,kind,epoch,step,timestamp}, then one
 * line per grid written, appended as it is written. A grid written again (a resumed run repeating an
 * epoch) gets a new line; the last line of a file wins. File names and kinds are plain
 * ({@code [a-z0-9_.]}), so no quoting is needed.
 */
public final class GridIndex {
    /** The first line of every grid index. */
    public static final String HEADER = "file,kind,epoch,step,timestamp";

    private GridIndex() {}

    /** Appends one entry, creating the file with its header first; the line reaches the disk before this returns. */
    static void append(Path file, GridEntry entry) {
        String line = entry.file() + ',' + entry.kind() + ',' + entry.epoch() + ',' + entry.step() + ','
                + entry.timestamp() + '\n';
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + '\n', StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new DataException("cannot append to grid index " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The latest entry of every grid file, in the order the files were first written; none when
     * there is no index. A last line without its line break (a crash mid-write) is skipped.
     */
    public static List<GridEntry> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new DataException("cannot read grid index " + file + ": " + e.getMessage(), e);
        }
        Map<String, GridEntry> latest = new LinkedHashMap<>();
        int lineNumber = 0;
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            lineNumber++;
            String line = text.substring(start, end);
            if (lineNumber == 1) {
                if (!line.equals(HEADER)) {
                    throw new DataException("grid index " + file + " starts with '" + line + "', expected '" + HEADER + "'");
                }
            } else if (!line.isEmpty()) {
                GridEntry entry = parse(file, lineNumber, line);
                latest.put(entry.file(), entry);
            }
        }
        return new ArrayList<>(latest.values());
    }

    private static GridEntry parse(Path file, int lineNumber, String line) {
        String[] f = line.split(",", -1);
        try {
            if (f.length != 5) {
                throw new NumberFormatException("expected 5 fields, found " + f.length);
            }
            return new GridEntry(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            throw new DataException("grid index " + file + " line " + lineNumber + ": cannot read '" + line + "': "
                    + e.getMessage(), e);
        }
    }
}
