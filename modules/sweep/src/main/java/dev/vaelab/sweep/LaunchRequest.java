package dev.vaelab.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 */
public record LaunchRequest(PlannedRun run, Path configFile, Path logFile, Path resultsRoot, int threads,
                            Optional<Path> dataDir, Optional<String> trackingUri, Path workDirectory) {
    public LaunchRequest {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(resultsRoot, "resultsRoot");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(trackingUri, "trackingUri");
        Objects.requireNonNull(workDirectory, "workDirectory");
    }

    /**
     * The arguments of {@link ChildRun#COMMAND} for this run, after the command name: the config
     * file, the results root, the threads, the expected run name, the data root and tracking URI
     * when given, and {@code parentPid} (the process whose end stops the run), if any.
     */
    public List<String> childArguments(Optional<Long> parentPid) {
        List<String> args = new java.util.ArrayList<>(List.of(configFile.toAbsolutePath().toString(),
                "--results", resultsRoot.toAbsolutePath().toString(), "--threads", Integer.toString(threads),
                "--run-name", run.name()));
        dataDir.ifPresent(d -> args.addAll(List.of("--data-dir", d.toAbsolutePath().toString())));
        trackingUri.ifPresent(u -> args.addAll(List.of("--tracking-uri", u)));
        parentPid.ifPresent(pid -> args.addAll(List.of("--parent-pid", Long.toString(pid))));
        return args;
    }
}
