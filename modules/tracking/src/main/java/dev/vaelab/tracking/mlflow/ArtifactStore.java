package dev.vaelab.tracking.mlflow;

import java.nio.file.Path;
import java.util.List;

/**
 * The artifact location of one MLflow run. Writing a path again replaces it, so every upload can
 * be repeated safely. Failures are {@link MlflowFailure}s.
 */
public interface ArtifactStore {
    /** Stores {@code file} at {@code path} ({@code /}-separated, relative to the run's artifact root). */
    void put(String path, Path file);

    /** Stores {@code content} at {@code path}. */
    void put(String path, byte[] content);

    /** The entries directly inside {@code directory} ({@code ""} for the root); none when it does not exist. */
    List<ArtifactFile> list(String directory);

    /** Where the artifacts go, for messages. */
    String location();
}
