package dev.vaelab.sweep;

/**
 * Starts runs of a sweep somewhere: in a child JVM on this machine ({@code local}), or on a cluster.
 * Launchers are bound by name with a Guice {@code MapBinder<String, Launcher>} and chosen with
 * {@code sweep.launcher} or {@code --launcher}.
 *
 * <p>The contract: the run's resolved config is already at {@link LaunchRequest#configFile()}; the
 * launched process runs {@link ChildRun#COMMAND} on it, which takes the run's lock, trains (or resumes,
 * or finds the run finished) and exits with one of {@link ChildRun}'s codes; its output goes to
 * {@link LaunchRequest#logFile()}.
 */
public interface Launcher {
    /** Starts one run and returns at once. */
    RunHandle start(LaunchRequest request);
}
