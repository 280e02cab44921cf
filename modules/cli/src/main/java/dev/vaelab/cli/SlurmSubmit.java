package dev.vaelab.cli;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepOptions;
import dev.vaelab.sweep.SweepPlan;
import dev.vaelab.sweep.slurm.SlurmLauncher;
import dev.vaelab.sweep.slurm.SlurmOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vaelab sweep <yaml> --launcher slurm}: reads {@code sweep.slurm} with the command line's
 * options over it, submits the sweep's unfinished runs as one job array and says what it did.
 */
final class SlurmSubmit {
    private SlurmSubmit() {
    }

    static int submit(SlurmLauncher launcher, Path experiment, SweepPlan plan, SweepOptions options, SweepLayout layout,
                      PrintStream out, String partition, String time, Integer cpusPerTask, String mem,
                      Integer arrayParallelism, List<String> sbatchArgs) {
        SlurmOptions resources = fromYaml(experiment)
                .with(partition, time, cpusPerTask, mem, arrayParallelism, sbatchArgs);
        SweepOptions runOptions = options.withTags(Map.of("vaelab.sweep", plan.experiment()));
        SlurmLauncher.Submitted s = launcher.submit(plan, runOptions, resources);
        out.printf("sweep %s: %d runs, %d already finished, %d still queued or running%n", plan.experiment(),
                plan.runs().size(), s.finished().size(), s.queued().size());
        s.queued().forEach((run, task) -> out.printf("  %s is job %s: not submitted again%n", run, task));
        if (s.submission().isEmpty()) {
            out.println("nothing to submit" + (s.queued().isEmpty() ? ": every run finished; vaelab summary "
                    + layout.experimentDirectory() + " tabulates them" : ""));
            return 0;
        }
        String jobId = s.submission().get().jobId().orElseThrow();
        out.printf("submitted job array %s: %d task%s (%s), script %s%n", jobId, s.submitted().size(),
                s.submitted().size() == 1 ? "" : "s", "array 0-" + (s.submitted().size() - 1)
                        + (resources.arrayParallelism() > 0 ? "%" + resources.arrayParallelism() : ""),
                s.submission().get().script());
        out.printf("watch it with: vaelab sweep status %s%n", layout.experimentDirectory());
        out.println(jobId);
        return 0;
    }

    /** {@code sweep.slurm} of the experiment file, validated at its lines; the defaults when absent. */
    static SlurmOptions fromYaml(Path experiment) {
        ConfigMap root = ConfigLoader.load(experiment);
        Optional<ConfigMap> slurm = root.optionalMap("sweep").flatMap(s -> s.optionalMap("slurm"));
        return slurm.map(SlurmOptions::parse).orElse(SlurmOptions.DEFAULT);
    }
}
