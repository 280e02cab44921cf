package dev.vaelab.sweep;

/**
 * Where a sweep's runs execute. Launchers are bound by name with a Guice
 * {@code MapBinder<String, SweepLauncher>} (see {@link SweepModule}; a plugin module adds its own)
 * and chosen with {@code sweep.launcher} or {@code --launcher}; each may read a section of its own,
 * {@code sweep.<name>}, with the command line's options over it ({@link LauncherSettings}).
 *
 * <p>A launcher either runs the sweep and waits for it ({@code local}), or hands it to a scheduler
 * and returns ({@code slurm}). Either way every run executes {@link ChildRun#COMMAND} on its resolved
 * config, under its lock, and writes its run store under the sweep's results directory; the sweep's
 * parent run ({@link SweepTracking}) is open when {@link #launch} is called, and whoever sees the
 * last run end (the launcher itself, or the scheduler's final job) ends it.
 */
public interface SweepLauncher {
    /** Checks the launcher's own settings before anything is written; errors name the file and line, or the option. */
    void validate(LauncherSettings settings);

    /**
     * Runs, or hands over, the runs of {@code plan} that are not finished.
     *
     * @param options where results go, the data root, the tracking URI given on the command line
     * @param settings the launcher's own settings
     * @param tracking the sweep's parent run; its {@link SweepTracking#childTags() tags} go to every run
     * @param console where a launcher that waits shows progress
     */
    SweepLaunch launch(SweepPlan plan, SweepOptions options, LauncherSettings settings, SweepTracking tracking,
                       SweepConsole console);
}
