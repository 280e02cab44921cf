package dev.vaelab.cli;

import dev.vaelab.sweep.slurm.SweepEnd;
import dev.vaelab.sweep.slurm.SweepState;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaelab sweep-end results/<experiment>}: the final job of a sweep handed to Slurm. Once none
 * of the sweep's runs is queued or running it writes the summary and ends the sweep's parent run;
 * while some are (a later submission's), it leaves that to the later submission's final job.
 */
@Command(name = "sweep-end", hidden = true, mixinStandardHelpOptions = true,
        description = "Summarise a sweep that ran on a cluster and end its parent run (its final job runs this).")
final class SweepEndCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the sweep's results folder, results/<experiment>")
    Path directory;

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "the MLflow tracking server of the sweep's parent run")
    String trackingUri;

    private final SweepEnd end;

    @jakarta.inject.Inject
    SweepEndCommand(SweepEnd end) {
        this.end = end;
    }

    @Override
    public Integer call() {
        SweepEnd.Ended ended = end.endIfDone(directory, Optional.ofNullable(trackingUri));
        if (ended.summary().isEmpty()) {
            System.out.printf("%d run(s) still queued or running, so a later submission's final job ends the sweep:%n%s",
                    ended.waiting().size(), SweepState.render(ended.waiting()));
            return 0;
        }
        System.out.print(ended.summary().get().table().toText());
        System.out.println(ended.summary().get().table().headline());
        System.out.printf("sweep ended: %d of %d runs finished%n",
                ended.report().count(dev.vaelab.sweep.Outcome.FINISHED), ended.report().results().size());
        return 0;
    }
}
