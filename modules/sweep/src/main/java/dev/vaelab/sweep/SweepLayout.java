package dev.vaelab.sweep;

import java.nio.file.Path;

/**
 * Where a sweep keeps its files, beside the runs of its experiment:
 *
 * <pre>
 * results/.locks/&lt;experiment&gt;/&lt;run-name&gt;.lock   held by the process running that run
 * results/&lt;experiment&gt;/
 *   &lt;run-name&gt;/              each run, as {@code vaelab run} leaves it
 *   sweep/plan.json           the planned runs, their swept values, the ranking metric
 *   sweep/outcomes.json       how each run launched by the sweep ended (exit code, error)
 *   sweep/configs/&lt;run&gt;.yaml the resolved config each run is started with
 *   sweep/logs/&lt;run&gt;.log     the output of each run's process, appended per attempt
 *   summary.csv, summary.md   the ranked table
 *   plots/                    metric against each swept parameter, training curves
 * </pre>
 *
 * @param experimentDirectory {@code results/<experiment>}
 */
public record SweepLayout(Path experimentDirectory) {
    public static final String SWEEP_DIR = "sweep";
    public static final String LOCKS_DIR = ".locks";

    /** The layout of {@code experiment} under the results root. */
    public static SweepLayout of(Path resultsRoot, String experiment) {
        return new SweepLayout(resultsRoot.resolve(experiment));
    }

    public Path sweepDirectory() {
        return experimentDirectory.resolve(SWEEP_DIR);
    }

    public Path planFile() {
        return sweepDirectory().resolve("plan.json");
    }

    public Path outcomesFile() {
        return sweepDirectory().resolve("outcomes.json");
    }

    public Path configFile(String runName) {
        return sweepDirectory().resolve("configs").resolve(runName + ".yaml");
    }

    public Path logFile(String runName) {
        return sweepDirectory().resolve("logs").resolve(runName + ".log");
    }

    /** The run's folder, as the run store names it. */
    public Path runDirectory(String runName) {
        return experimentDirectory.resolve(runName);
    }

    /**
     * The run's lock, beside the experiment folders rather than in one: {@code vaelab run} takes it
     * too, and an experiment folder then holds the run folders alone.
     */
    public Path lockFile(String runName) {
        Path experiment = experimentDirectory.toAbsolutePath().normalize();
        return experiment.resolveSibling(LOCKS_DIR).resolve(experiment.getFileName().toString()).resolve(runName + ".lock");
    }

    public Path summaryCsv() {
        return experimentDirectory.resolve("summary.csv");
    }

    public Path summaryMarkdown() {
        return experimentDirectory.resolve("summary.md");
    }

    public Path plotsDirectory() {
        return experimentDirectory.resolve("plots");
    }
}
