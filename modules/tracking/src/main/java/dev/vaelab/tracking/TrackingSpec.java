package dev.vaelab.tracking;

import dev.vaelab.core.config.ConfigMap;
import java.util.List;
import java.util.Optional;

/**
 * The {@code tracking:} section. The tracking URI usually comes from {@code --tracking-uri} or
 * {@code MLFLOW_TRACKING_URI}; the file may set one too.
 *
 * @param experiment the MLflow experiment name, if set
 * @param uri the tracking server, if set in the file
 */
public record TrackingSpec(Optional<String> experiment, Optional<String> uri) {
    private static final List<String> KEYS = List.of("experiment", "uri");

    /** Reads and validates the section. */
    public static TrackingSpec parse(ConfigMap tracking) {
        tracking.allowOnly(KEYS);
        return new TrackingSpec(tracking.optionalString("experiment"), tracking.optionalString("uri"));
    }
}
