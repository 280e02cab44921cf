package dev.vaelab.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What {@code run.json} holds about one run: identity, status, timings and provenance. Immutable;
 * each change makes a new record that {@link RunStore} writes back.
 *
 * @param runId a UUID, stable across resumes, that names the run wherever it is synced to
 * @param experiment the experiment the run belongs to (the first folder under the results root)
 * @param runName the run's name (its folder)
 * @param status where the run stands
 * @param startTime when the run was created
 * @param endTime when it reached its terminal status; null while running
 * @param error what went wrong, for a failed or killed run; otherwise null
 * @param vaelabVersion the vaelab version that created the run
 * @param host the machine that created the run
 * @param extra further string fields, sorted by key, such as the MLflow run id
 */
public record RunRecord(
        String runId,
        String experiment,
        String runName,
        RunStatus status,
        Instant startTime,
        Instant endTime,
        String error,
        String vaelabVersion,
        String host,
        Map<String, String> extra) {

    public RunRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(vaelabVersion, "vaelabVersion");
        Objects.requireNonNull(host, "host");
        extra = Collections.unmodifiableMap(new TreeMap<>(extra));
    }

    /** A new running run with a fresh random id. */
    public static RunRecord start(String experiment, String runName, Instant startTime, RunEnvironment environment) {
        return new RunRecord(UUID.randomUUID().toString(), experiment, runName, RunStatus.RUNNING, startTime, null,
                null, environment.vaelabVersion(), environment.host(), Map.of());
    }

    /**
     * This run in {@code newStatus} at {@code now}: a terminal status records the end time and the
     * error; {@link RunStatus#RUNNING} (a resume) clears both.
     */
    public RunRecord withStatus(RunStatus newStatus, String newError, Instant now) {
        boolean ended = newStatus.isTerminal();
        return new RunRecord(runId, experiment, runName, newStatus, startTime, ended ? now : null,
                ended ? newError : null, vaelabVersion, host, extra);
    }

    /** This run with one extra field set, replacing an earlier value of the same key. */
    public RunRecord withExtra(String key, String value) {
        Map<String, String> updated = new TreeMap<>(extra);
        updated.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new RunRecord(runId, experiment, runName, status, startTime, endTime, error, vaelabVersion, host,
                updated);
    }

    /** Time from start to end; empty while the run is running. */
    public Optional<Duration> duration() {
        return endTime == null ? Optional.empty() : Optional.of(Duration.between(startTime, endTime));
    }
}
