package dev.vaelab.sweep.slurm;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.tracking.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One submission of a sweep to Slurm, kept on the shared filesystem beside the sweep:
 *
 * <pre>
 * sweep/slurm/&lt;n&gt;/job.sh     the sbatch script of the job array
 * sweep/slurm/&lt;n&gt;/runs.txt   the run of each array task, one name per line (task i is line i+1)
 * sweep/slurm/&lt;n&gt;/job-id     the array's job id, once sbatch accepted it
 * sweep/slurm/&lt;n&gt;/task-&lt;i&gt;.out  what the task printed before its run started (Slurm's own errors)
 * </pre>
 *
 * @param number its number, from 1 in the order of submission
 * @param directory its folder
 * @param runs the run of each array task
 * @param jobId the job id, empty when the submission failed
 */
public record Submission(int number, Path directory, List<String> runs, Optional<String> jobId) {
    public Submission {
        Objects.requireNonNull(directory, "directory");
        runs = List.copyOf(runs);
        Objects.requireNonNull(jobId, "jobId");
    }

    /** {@code sweep/slurm} of a sweep. */
    public static Path root(SweepLayout layout) {
        return layout.sweepDirectory().resolve("slurm");
    }

    public Path script() {
        return directory.resolve("job.sh");
    }

    /** The array task of {@code run} in this submission, if it has one. */
    public Optional<Integer> taskOf(String run) {
        int i = runs.indexOf(run);
        return i < 0 ? Optional.empty() : Optional.of(i);
    }

    /** A new submission folder with its run list written, numbered after the existing ones. */
    static Submission create(SweepLayout layout, List<String> runs) {
        int number = all(layout).stream().mapToInt(Submission::number).max().orElse(0) + 1;
        Path dir = root(layout).resolve(Integer.toString(number));
        AtomicFiles.writeString(dir.resolve("runs.txt"), String.join("\n", runs) + "\n");
        return new Submission(number, dir, runs, Optional.empty());
    }

    /** This submission, accepted as {@code id}. */
    Submission accepted(String id) {
        AtomicFiles.writeString(directory.resolve("job-id"), id + "\n");
        return new Submission(number, directory, runs, Optional.of(id));
    }

    /** Every submission of the sweep, oldest first. */
    public static List<Submission> all(SweepLayout layout) {
        Path root = root(layout);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Submission> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                Path runs = dir.resolve("runs.txt");
                if (!Files.isRegularFile(runs)) {
                    continue;
                }
                Path id = dir.resolve("job-id");
                found.add(new Submission(Integer.parseInt(dir.getFileName().toString()), dir,
                        Files.readAllLines(runs).stream().filter(l -> !l.isBlank()).toList(),
                        Files.isRegularFile(id) ? Optional.of(Files.readString(id).strip()) : Optional.empty()));
            }
        } catch (IOException e) {
            throw new VaelabException("cannot read the sweep's Slurm submissions in " + root + ": " + e.getMessage(), e);
        }
        found.sort(java.util.Comparator.comparingInt(Submission::number));
        return found;
    }

    /** The latest accepted submission that holds {@code run}, if any. */
    public static Optional<Submission> latestFor(List<Submission> submissions, String run) {
        for (int i = submissions.size() - 1; i >= 0; i--) {
            Submission s = submissions.get(i);
            if (s.jobId().isPresent() && s.runs().contains(run)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
