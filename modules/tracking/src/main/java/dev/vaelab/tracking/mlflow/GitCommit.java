package dev.vaelab.tracking.mlflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The commit checked out in the git repository holding a file, read from {@code .git} directly (no
 * git program needed): {@code HEAD}, the branch it names under {@code refs/}, else
 * {@code packed-refs}. Work trees ({@code .git} as a file pointing elsewhere) are followed.
 */
public final class GitCommit {
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    private GitCommit() {}

    /** The commit of the repository that holds {@code file}; empty outside a repository or when unreadable. */
    public static Optional<String> of(Path file) {
        try {
            for (Path dir = file.toAbsolutePath().normalize().getParent(); dir != null; dir = dir.getParent()) {
                Path dotGit = dir.resolve(".git");
                if (Files.isDirectory(dotGit)) {
                    return head(dotGit, dotGit);
                }
                if (Files.isRegularFile(dotGit)) {
                    String pointer = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
                    if (!pointer.startsWith("gitdir:")) {
                        return Optional.empty();
                    }
                    Path gitDir = dir.resolve(pointer.substring("gitdir:".length()).strip()).normalize();
                    Path commonFile = gitDir.resolve("commondir");
                    Path common = Files.isRegularFile(commonFile)
                            ? gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).strip()).normalize()
                            : gitDir;
                    return head(gitDir, common);
                }
            }
        } catch (IOException | RuntimeException e) {
            // provenance is best effort: a run must not fail because .git is odd
        }
        return Optional.empty();
    }

    private static Optional<String> head(Path gitDir, Path commonDir) throws IOException {
        String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).strip();
        if (!head.startsWith("ref:")) {
            return sha(head);
        }
        String ref = head.substring("ref:".length()).strip();
        for (Path dir : new Path[] {gitDir, commonDir}) {
            Path loose = dir.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return sha(Files.readString(loose, StandardCharsets.UTF_8).strip());
            }
        }
        Path packed = commonDir.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                if (line.endsWith(" " + ref)) {
                    return sha(line.substring(0, line.indexOf(' ')));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> sha(String text) {
        return SHA.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }
}
