package dev.vaelab.train;

import dev.vaelab.core.config.ConfigMap;
import dev.vaelab.data.DataRoot;
import dev.vaelab.tracking.TrackingSpec;
import dev.vaelab.tracking.TrackingUri;
import dev.vaelab.tracking.mlflow.TrackingEnvironment;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one place where a run's settings are chosen from the command line's flags, the experiment's
 * YAML and the environment, each with its precedence written once:
 * <ul>
 *   <li>results root: {@code --results}, else {@code results} in the working directory;</li>
 *   <li>data root: {@code --data-dir}, else {@code $VAELAB_DATA}, else the user's cache
 *       (see {@link DataRoot#resolve});</li>
 *   <li>threads: {@code --threads} when given, else {@code train.threads}, else every core, never
 *       more than the machine has ({@link RunThreads});</li>
 *   <li>tracking URI: {@code --tracking-uri}, else {@code tracking.uri}, else
 *       {@code $MLFLOW_TRACKING_URI} (see {@link TrackingUri#choose}).</li>
 * </ul>
 * The environment is injected ({@link TrackingEnvironment}), so tests can give their own.
 */
public final class RunSettings {
    /** The results root when {@code --results} is not given. */
    public static final Path DEFAULT_RESULTS = Path.of("results");

    private final TrackingEnvironment environment;

    @Inject
    public RunSettings(TrackingEnvironment environment) {
        this.environment = environment;
    }

    public Path resultsRoot(Optional<Path> flag) {
        return flag.orElse(DEFAULT_RESULTS);
    }

    public DataRoot dataRoot(Optional<Path> flag) {
        return DataRoot.resolve(flag, environment.variables());
    }

    /** See {@link RunThreads#resolve}: checked against this machine's cores. */
    public int threads(int flag, TrainSpec train, ConfigMap root) {
        return RunThreads.resolve(flag, train, root, Runtime.getRuntime().availableProcessors());
    }

    public Optional<String> trackingUri(Optional<String> flag, TrackingSpec tracking) {
        return TrackingUri.choose(flag, tracking.uri(), environment.trackingUri());
    }

    /** The tracking URI of a sweep, whose YAML's {@code tracking.uri} was read when it was planned. */
    public Optional<String> trackingUri(Optional<String> flag, Optional<String> yaml) {
        return TrackingUri.choose(flag, yaml, environment.trackingUri());
    }
}
