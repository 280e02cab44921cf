package dev.vaelab.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How to run, as the command line gave it (the YAML says what to run): the flags, each empty or
 * 0 when not given, which {@link RunSettings} weighs against the YAML and the environment; where
 * to print progress; tags for the run's tracking (a sweep's runs carry their sweep and its parent
 * run); and whether to move an earlier attempt aside and train afresh ({@code --restart}).
 *
 * @param resultsRoot {@code --results}
 * @param dataDir {@code --data-dir}
 * @param threads {@code --threads}, 0 when not given
 * @param console where progress and outcomes are printed
 * @param trackingUri {@code --tracking-uri}
 * @param tags tags for the run's tracking
 * @param restart {@code --restart}
 */
public record RunOptions(Optional<Path> resultsRoot, Optional<Path> dataDir, int threads, PrintStream console,
                         Optional<String> trackingUri, Map<String, String> tags, boolean restart) {
    public RunOptions {
        tags = Map.copyOf(tags);
    }

    /** Resumes or reuses an earlier attempt (no {@code --restart}). */
    public RunOptions(Optional<Path> resultsRoot, Optional<Path> dataDir, int threads, PrintStream console,
                      Optional<String> trackingUri, Map<String, String> tags) {
        this(resultsRoot, dataDir, threads, console, trackingUri, tags, false);
    }

    /** No tags. */
    public RunOptions(Optional<Path> resultsRoot, Optional<Path> dataDir, int threads, PrintStream console,
                      Optional<String> trackingUri) {
        this(resultsRoot, dataDir, threads, console, trackingUri, Map.of());
    }

    /** The same options with {@code --restart}: an earlier attempt of the run is moved aside, whatever its state. */
    public RunOptions restarting() {
        return new RunOptions(resultsRoot, dataDir, threads, console, trackingUri, tags, true);
    }
}
