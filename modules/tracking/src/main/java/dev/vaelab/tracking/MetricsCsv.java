package dev.vaelab.tracking;

import dev.vaelab.core.error.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The format of {@code metrics.csv}: a header {@code key,value,step,timestamp}, then one row per
 * value, each ending in {@code \n}. Values are written with {@link Double#toString}, the shortest
 * text that parses back to the same double, so nothing is lost; NaN and the infinities appear as
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, which Java, Python and pandas all read back.
 * Keys pass {@link MetricKeys}, which excludes commas, quotes and line breaks, so no quoting is
 * needed.
 */
public final class MetricsCsv {
    /** The first line of every metrics file. */
    public static final String HEADER = "key,value,step,timestamp";

    private MetricsCsv() {}

    /** The text of one row, with its line break. */
    public static String format(MetricRow row) {
        return row.key() + ',' + Double.toString(row.value()) + ',' + row.step() + ',' + row.timestamp() + '\n';
    }

    /**
     * Reads every complete row of a metrics file. A last line without its line break is what a crash
     * in the middle of a write leaves behind, so it is skipped rather than read as a possibly cut-off
     * number. An empty file, or one holding only a partial header, has no rows.
     *
     * @throws DataException when the file is missing, has another header, or a complete row does
     *     not parse; the message names the file and line
     */
    public static List<MetricRow> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataException("metrics file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new DataException("cannot read metrics file " + file + ": " + e.getMessage(), e);
        }
        List<MetricRow> rows = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            lineNumber++;
            String line = text.substring(start, end);
            if (lineNumber == 1) {
                checkHeader(file, line);
            } else if (!line.isEmpty()) {
                rows.add(parse(file, lineNumber, line));
            }
        }
        return rows;
    }

    private static void checkHeader(Path file, String line) {
        if (!line.equals(HEADER)) {
            throw badHeader(file, line);
        }
    }

    static DataException badHeader(Path file, String firstLine) {
        return new DataException("metrics file " + file + " starts with '" + firstLine + "', expected the header '"
                + HEADER + "'");
    }

    private static MetricRow parse(Path file, int lineNumber, String line) {
        String[] fields = line.split(",", -1);
        if (fields.length != 4) {
            throw new DataException("metrics file " + file + " line " + lineNumber + ": expected 4 fields "
                    + "key,value,step,timestamp, found " + fields.length + " in '" + line + "'");
        }
        try {
            return new MetricRow(fields[0], Double.parseDouble(fields[1]), Long.parseLong(fields[2]),
                    Long.parseLong(fields[3]));
        } catch (NumberFormatException e) {
            throw new DataException("metrics file " + file + " line " + lineNumber + ": not a number in '"
                    + line + "'", e);
        }
    }
}
