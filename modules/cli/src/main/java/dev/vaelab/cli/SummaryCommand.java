package dev.vaelab.cli;

import dev.vaelab.sweep.SweepMetric;
import dev.vaelab.sweep.summary.SweepSummary;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaelab summary results/<experiment>}: the ranked table and plots of the runs in a folder. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Tabulate and plot the runs of results/<experiment>: summary.csv, summary.md, plots/.")
final class SummaryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "an experiment's results folder, e.g. results/mnist-beta-sweep")
    Path directory;

    @Option(names = "--metric", paramLabel = "KEY", description = "rank by this metric (default: the sweep's, else test/elbo)")
    String metric;

    @Option(names = "--goal", paramLabel = "GOAL", description = "maximize or minimize (required with --metric)")
    String goal;

    @Override
    public Integer call() {
        Optional<SweepMetric> ranking = Optional.empty();
        if (metric != null) {
            if (!"maximize".equals(goal) && !"minimize".equals(goal)) {
                throw new dev.vaelab.core.error.VaelabException("--metric needs --goal maximize or --goal minimize");
            }
            ranking = Optional.of(new SweepMetric(metric, goal.equals("maximize")));
        }
        SweepSummary.Written written = SweepSummary.write(directory, ranking);
        System.out.print(written.table().toText());
        System.out.println(written.table().headline());
        System.out.println("written: " + written.csv() + ", " + written.markdown() + ", " + written.plots().size()
                + " plots in " + directory.resolve("plots"));
        return 0;
    }
}
