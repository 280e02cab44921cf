package dev.vaelab.sweep;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.summary.SweepSummary;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the sweep on this machine and waits for it ({@code --launcher local}, the default): N runs at
 * once, each in its own child JVM ({@link SweepRunner}); at the end, or on Ctrl-C before the process
 * exits, it writes the summary and ends the sweep's parent run. It has no settings of its own.
 */
public final class LocalLauncher implements SweepLauncher {
    public static final String NAME = "local";

    private final SweepRunner runner;

    @Inject
    public LocalLauncher(SweepRunner runner) {
        this.runner = runner;
    }

    @Override
    public void validate(LauncherSettings settings) {
        settings.section().ifPresent(section -> section.allowOnly(List.of()));
        if (!settings.commandLine().isEmpty()) {
            String option = LauncherSettings.option(settings.commandLine().keySet().iterator().next());
            throw new VaelabException(option + " is an option of a cluster launcher (--launcher slurm); "
                    + "the local launcher runs the sweep here and takes --parallel instead");
        }
    }

    @Override
    public SweepLaunch launch(SweepPlan plan, SweepOptions options, LauncherSettings settings, SweepTracking tracking,
                              SweepConsole console) {
        SweepLayout layout = SweepLayout.of(options.resultsRoot(), plan.experiment());
        AtomicReference<SweepSummary.Written> written = new AtomicReference<>();
        SweepReport report = runner.run(plan, options.withTags(tracking.childTags()), console, ended -> {
            // also on Ctrl-C, before the process exits: the table of what is done, the parent run ended
            written.set(SweepSummary.write(layout.experimentDirectory(), Optional.empty()));
            tracking.finish(ended, written.get());
        });
        return new SweepLaunch.Ran(report, written.get());
    }
}
