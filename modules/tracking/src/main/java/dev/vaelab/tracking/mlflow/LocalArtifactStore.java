package dev.vaelab.tracking.mlflow;

import dev.vaelab.tracking.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Artifacts of a {@code file:} location this machine can reach (the server's disk, a shared mount):
 * copied there directly, atomically, as MLflow's local artifact repository does.
 */
final class LocalArtifactStore implements ArtifactStore {
    private final Path root;

    LocalArtifactStore(Path root) {
        this.root = root;
    }

    @Override
    public void put(String path, Path file) {
        try {
            put(path, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to copy it to " + location(), e);
        }
    }

    @Override
    public void put(String path, byte[] content) {
        try {
            AtomicFiles.write(root.resolve(ArtifactPaths.requireRelative(path)), content);
        } catch (RuntimeException e) {
            // a full or read-only disk will not heal by retrying
            throw new MlflowFailure(MlflowFailure.Kind.REJECTED, 0, null, "copy artifact " + path + " to " + location()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ArtifactFile> list(String directory) {
        Path dir = directory.isEmpty() ? root : root.resolve(ArtifactPaths.requireRelative(directory));
        List<ArtifactFile> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
                    continue;
                }
                boolean isDir = Files.isDirectory(entry);
                files.add(new ArtifactFile(directory.isEmpty() ? name : directory + "/" + name, isDir,
                        isDir ? -1 : Files.size(entry)));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new MlflowFailure(MlflowFailure.Kind.REJECTED, 0, null, "list " + dir + ": " + e.getMessage(), e);
        }
        return files;
    }

    @Override
    public String location() {
        return root.toUri().toString();
    }
}
