package dev.vaelab.tracking;

import java.util.List;

/**
 * Rows just appended to {@code metrics.csv}, with the index the first of them has in the file
 * (counted from 0, header excluded). A mirror of the store uses the index to tell whether it missed
 * rows and must read them back from the file.
 *
 * @param firstIndex the index of {@code rows.get(0)}
 * @param rows the rows, in file order
 */
public record AppendedRows(long firstIndex, List<MetricRow> rows) {
    public AppendedRows {
        rows = List.copyOf(rows);
    }

    /** The index just after the last of these rows. */
    public long endIndex() {
        return firstIndex + rows.size();
    }
}
