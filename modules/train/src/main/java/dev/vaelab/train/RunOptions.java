package dev.vaelab.train;

import dev.vaelab.data.DataRoot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How to run, as opposed to what (the YAML): where results and data live, the thread budget
 * ({@code 0} = {@code train.threads}, else every core), where to print progress, the tracking
 * URI given on the command line or in the environment (the YAML's {@code tracking.uri} sits between
 * the two: see {@link #trackingUri(Optional, Optional, Optional)}), and tags for the run's tracking
 * (a sweep's runs carry their sweep and its parent run), and whether to move an earlier attempt aside
 * and train afresh ({@code --restart}).
 */
public record RunOptions(Path resultsRoot, DataRoot dataRoot, int threads, PrintStream console,
                         Optional<String> cliTrackingUri, Optional<String> envTrackingUri, Map<String, String> tags,
                         boolean restart) {
    public RunOptions {
        tags = Map.copyOf(tags);
    }

    /** Resumes or reuses an earlier attempt (no {@code --restart}). */
    public RunOptions(Path resultsRoot, DataRoot dataRoot, int threads, PrintStream console,
                      Optional<String> cliTrackingUri, Optional<String> envTrackingUri, Map<String, String> tags) {
        this(resultsRoot, dataRoot, threads, console, cliTrackingUri, envTrackingUri, tags, false);
    }

    /** The same options with {@code --restart}: an earlier attempt of the run is moved aside, whatever its state. */
    public RunOptions restarting() {
        return new RunOptions(resultsRoot, dataRoot, threads, console, cliTrackingUri, envTrackingUri, tags, true);
    }

    /** No tags. */
    public RunOptions(Path resultsRoot, DataRoot dataRoot, int threads, PrintStream console,
                      Optional<String> cliTrackingUri, Optional<String> envTrackingUri) {
        this(resultsRoot, dataRoot, threads, console, cliTrackingUri, envTrackingUri, Map.of());
    }

    /** Local store only, no tracking server. */
    public RunOptions(Path resultsRoot, DataRoot dataRoot, int threads, PrintStream console) {
        this(resultsRoot, dataRoot, threads, console, Optional.empty(), Optional.empty());
    }

    /** {@code --tracking-uri}, else {@code tracking.uri} in the YAML, else {@code MLFLOW_TRACKING_URI}. */
    public static Optional<String> trackingUri(Optional<String> cli, Optional<String> yaml, Optional<String> env) {
        return cli.or(() -> yaml).or(() -> env).filter(uri -> !uri.isBlank());
    }
}
