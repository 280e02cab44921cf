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
 * @param register the registered model a finished run's model becomes a new version of, if set
 */
public record TrackingSpec(Optional<String> experiment, Optional<String> uri, Optional<String> register) {
    private static final List<String> KEYS = List.of("experiment", "register", "uri");

    /** A section without {@code register}. */
    public TrackingSpec(Optional<String> experiment, Optional<String> uri) {
        this(experiment, uri, Optional.empty());
    }

    /** Reads and validates the section. */
    public static TrackingSpec parse(ConfigMap tracking) {
        tracking.allowOnly(KEYS);
        Optional<String> register = tracking.optionalString("register");
        if (register.isPresent() && register.get().isBlank()) {
            throw tracking.invalid("register", "must name a registered model, e.g. register: mnist-vae");
        }
        return new TrackingSpec(tracking.optionalString("experiment"), tracking.optionalString("uri"), register);
    }
}
