package dev.vaelab.sweep;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a launcher needs to start one run.
 *
 * @param run the planned run
 * @param configFile its resolved config on disk
 * @param logFile where the run's output goes (appended)
 * @param resultsRoot the results root the run writes under
 * @param threads ONNX Runtime threads for the run (the machine's cores divided among parallel runs)
 * @param dataDir the data root given on the command line, if any
 * @param trackingUri the tracking URI given on the command line, if any
 * @param workDirectory the sweep's own folder, where a launcher may keep its files (argument files, job scripts)
 * @param tags tracking tags of the run (its sweep, the sweep's parent run)
 */
public record LaunchRequest(PlannedRun run, Path configFile, Path logFile, Path resultsRoot, int threads,
                            Optional<Path> dataDir, Optional<String> trackingUri, Path workDirectory,
                            Map<String, String> tags) {
    public LaunchRequest {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(resultsRoot, "resultsRoot");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(trackingUri, "trackingUri");
        Objects.requireNonNull(workDirectory, "workDirectory");
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /**
     * The arguments of {@link ChildRun#COMMAND} for this run, after the command name: the config
     * file, the results root, the threads, the expected run name, the data root and tracking URI
     * when given, the tags (with the run's swept values as {@code vaelab.swept}), and {@code parentPid} (the process whose end stops the run), if any.
     */
    public List<String> childArguments(Optional<Long> parentPid) {
        List<String> args = new java.util.ArrayList<>(List.of(configFile.toAbsolutePath().toString(),
                "--results", resultsRoot.toAbsolutePath().toString(), "--threads", Integer.toString(threads),
                "--run-name", run.name()));
        dataDir.ifPresent(d -> args.addAll(List.of("--data-dir", d.toAbsolutePath().toString())));
        trackingUri.ifPresent(u -> args.addAll(List.of("--tracking-uri", u)));
        tags.forEach((k, v) -> args.addAll(List.of("--tag", k + "=" + v)));
        if (!run.parameters().isEmpty()) {
            // its name in MLflow, and its swept keys as params
            args.addAll(List.of("--tag", dev.vaelab.tracking.mlflow.RunTags.SWEPT + "=" + run.label()));
        }
        parentPid.ifPresent(pid -> args.addAll(List.of("--parent-pid", Long.toString(pid))));
        return args;
    }
}
