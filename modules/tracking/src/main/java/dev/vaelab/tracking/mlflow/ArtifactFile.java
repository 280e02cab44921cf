package dev.vaelab.tracking.mlflow;

/**
 * One entry of an artifact listing.
 *
 * @param path relative to the run's artifact root, {@code /}-separated
 * @param directory whether it is a directory
 * @param size its size in bytes; -1 for directories or when not known
 */
public record ArtifactFile(String path, boolean directory, long size) {}
