package dev.vaelab.tracking;

import java.util.Optional;

/** Which MLflow server a run reports to: the one precedence every command uses. */
public final class TrackingUri {
    private TrackingUri() {
    }

    /**
     * {@code --tracking-uri}, else {@code tracking.uri} in the YAML, else {@code MLFLOW_TRACKING_URI};
     * a blank value counts as absent. Empty: the local run store only.
     */
    public static Optional<String> choose(Optional<String> flag, Optional<String> yaml, Optional<String> environment) {
        return flag.filter(TrackingUri::given).or(() -> yaml.filter(TrackingUri::given))
                .or(() -> environment.filter(TrackingUri::given));
    }

    private static boolean given(String uri) {
        return !uri.isBlank();
    }
}
