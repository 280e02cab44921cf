package dev.vaelab.tracking;

import java.util.Objects;

/**
 * One line of {@code grids/index.csv}: which grid file was written for which epoch, at which global
 * step and when. The step and time are what an image logged to MLflow is named by, so a run synced
 * later names its images exactly as a live run did.
 *
 * @param file the grid's file name inside {@code grids/}, such as {@code samples_e005.png}
 * @param kind the grid kind, such as {@code samples}
 * @param epoch the epoch it shows
 * @param step the global step it was taken at
 * @param timestamp when it was logged, in milliseconds since the epoch
 */
public record GridEntry(String file, String kind, int epoch, long step, long timestamp) {
    public GridEntry {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
    }
}
