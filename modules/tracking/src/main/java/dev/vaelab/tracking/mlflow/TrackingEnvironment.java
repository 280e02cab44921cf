package dev.vaelab.tracking.mlflow;

import java.util.Map;
import java.util.Optional;

/**
 * What tracking reads from the process: environment variables (credentials,
 * {@code MLFLOW_TRACKING_URI}) and the user name MLflow records as {@code mlflow.user}. A value,
 * so tests can give their own.
 *
 * @param variables the environment
 * @param user the user running vaelab
 */
public record TrackingEnvironment(Map<String, String> variables, String user) {
    public TrackingEnvironment {
        variables = Map.copyOf(variables);
    }

    /** This process's environment and user. */
    public static TrackingEnvironment system() {
        return new TrackingEnvironment(System.getenv(), System.getProperty("user.name", "unknown"));
    }

    /** {@code MLFLOW_TRACKING_URI}, if set and not blank. */
    public Optional<String> trackingUri() {
        return Optional.ofNullable(variables.get("MLFLOW_TRACKING_URI")).filter(uri -> !uri.isBlank());
    }
}
