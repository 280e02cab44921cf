package dev.vaelab.sweep;

/**
 * Starts one run of a sweep in its own process, for the {@link SweepRunner} that waits for it.
 *
 * <p>The contract: the run's resolved config is already at {@link LaunchRequest#configFile()}; the
 * started process runs {@link ChildRun#COMMAND} on it, which takes the run's lock, trains (or resumes,
 * or finds the run finished) and exits with one of {@link ChildRun}'s codes; its output goes to
 * {@link LaunchRequest#logFile()}.
 */
public interface RunStarter {
    /** Starts one run and returns at once. */
    RunHandle start(LaunchRequest request);
}
