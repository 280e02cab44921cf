package dev.vaelab.cli;

import dev.vaelab.sweep.slurm.SweepState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab sweep status results/<experiment>}: each run's state from its run store and, for a
 * sweep submitted to Slurm, from Slurm. Exit code 0 when every run finished, 3 while some are pending
 * or running, 1 when some failed, were killed or cancelled.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each run of a sweep: pending, running, finished, failed (with why), killed, cancelled.")
final class SweepStatusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the sweep's results folder, e.g. results/mnist-beta-sweep")
    Path directory;

    private final SweepState states;

    @jakarta.inject.Inject
    SweepStatusCommand(SweepState states) {
        this.states = states;
    }

    @Override
    public Integer call() {
        List<SweepState.Row> rows = states.of(directory);
        System.out.print(SweepState.render(rows));
        if (rows.stream().allMatch(r -> r.state().equals("finished"))) {
            return 0;
        }
        return rows.stream().anyMatch(r -> r.state().equals("pending") || r.state().equals("running")) ? 3 : 1;
    }
}
