package dev.vaelab.sweep;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run a sweep, as opposed to what (the YAML).
 *
 * @param resultsRoot the results root
 * @param parallel runs at once
 * @param threadsPerRun ONNX Runtime threads of each run
 * @param launcher the launcher's name and where it was chosen
 * @param dataDir the data root given on the command line, if any
 * @param trackingUri the tracking URI given on the command line, if any
 * @param retryFailed whether runs that failed in an earlier attempt run again (their folders are kept aside)
 * @param tags tracking tags every run carries (its sweep, the sweep's parent run)
 */
public record SweepOptions(Path resultsRoot, int parallel, int threadsPerRun, SweepSpec.Launch launcher,
                           Optional<Path> dataDir, Optional<String> trackingUri, boolean retryFailed,
                           Map<String, String> tags) {
    public SweepOptions {
        Objects.requireNonNull(resultsRoot, "resultsRoot");
        if (parallel < 1 || threadsPerRun < 1) {
            throw new IllegalArgumentException("parallel and threads must be at least 1");
        }
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(trackingUri, "trackingUri");
        tags = Map.copyOf(tags);
    }

    /** These options with the runs' tracking tags. */
    public SweepOptions withTags(Map<String, String> runTags) {
        return new SweepOptions(resultsRoot, parallel, threadsPerRun, launcher, dataDir, trackingUri, retryFailed, runTags);
    }

    /** The machine's cores divided among {@code parallel} runs, at least one each. */
    public static int threadsPerRun(int cores, int parallel) {
        return Math.max(1, cores / parallel);
    }
}
