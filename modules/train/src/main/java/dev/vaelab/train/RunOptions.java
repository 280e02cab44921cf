package dev.vaelab.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How to run, as the command line gave it (the YAML says what to run): the flags, each empty or
 * 0 when not given, which {@link RunSettings} weighs against the YAML and the environment; where
 * to print progress; and tags for the run's tracking (a sweep's runs carry their sweep and its
 * parent run).
 *
 * @param resultsRoot {@code --results}
 * @param dataDir {@code --data-dir}
 * @param threads {@code --threads}, 0 when not given
 * @param console where progress and outcomes are printed
 * @param trackingUri {@code --tracking-uri}
 * @param tags tags for the run's tracking
 */
public record RunOptions(Optional<Path> resultsRoot, Optional<Path> dataDir, int threads, PrintStream console,
                         Optional<String> trackingUri, Map<String, String> tags) {
    public RunOptions {
        tags = Map.copyOf(tags);
    }

    /** No tags. */
    public RunOptions(Optional<Path> resultsRoot, Optional<Path> dataDir, int threads, PrintStream console,
                      Optional<String> trackingUri) {
        this(resultsRoot, dataDir, threads, console, trackingUri, Map.of());
    }
}
