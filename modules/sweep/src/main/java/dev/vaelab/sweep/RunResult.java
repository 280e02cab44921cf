package dev.vaelab.sweep;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one run of a sweep ended, as the sweep saw it.
 *
 * @param run the run's name
 * @param outcome how it ended
 * @param error what went wrong, for a run that did not finish; else null
 * @param exitCode its process's exit code; null when no process ran (finished before, not started)
 * @param seconds wall-clock seconds of its process in this sweep, 0 when none ran
 * @param reused whether it had already ended before this sweep started, so nothing was launched
 */
public record RunResult(String run, Outcome outcome, String error, Integer exitCode, double seconds, boolean reused) {
    public RunResult {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A run found already ended in its run store: nothing to launch. */
    public static RunResult reused(String run, Outcome outcome, String error) {
        return new RunResult(run, outcome, error, null, 0, true);
    }

    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }

    public OptionalInt exit() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }
}
