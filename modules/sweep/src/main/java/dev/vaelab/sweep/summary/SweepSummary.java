package dev.vaelab.sweep.summary;

import dev.vaelab.sweep.PlanRecord;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepMetric;
import dev.vaelab.tracking.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Summarises an experiment folder: reads its runs, ranks them by the sweep's metric (or the one
 * given), and writes {@code summary.csv}, {@code summary.md} and {@code plots/*.png} beside them.
 */
public final class SweepSummary {
    private SweepSummary() {
    }

    /**
     * What was written.
     *
     * @param table the ranked table
     * @param csv the CSV file
     * @param markdown the Markdown file
     * @param plots the PNG files
     */
    public record Written(SummaryTable table, Path csv, Path markdown, List<Path> plots) {
        public Written {
            plots = List.copyOf(plots);
        }
    }

    /**
     * Summarises {@code experimentDirectory} ({@code results/<experiment>}); {@code metric}
     * overrides the plan's ranking metric (the default is {@code test/elbo}, maximised).
     */
    public static Written write(Path experimentDirectory, Optional<SweepMetric> metric) {
        SweepLayout layout = new SweepLayout(experimentDirectory);
        Optional<PlanRecord> plan = dev.vaelab.sweep.SweepFiles.readPlan(layout);
        SweepMetric ranking = metric.orElseGet(() -> plan.map(PlanRecord::metric).orElse(SweepMetric.DEFAULT));
        ExperimentRuns.Contents contents = ExperimentRuns.read(experimentDirectory, ranking.name());
        String experiment = plan.map(PlanRecord::experiment).orElse(experimentDirectory.getFileName().toString());
        SummaryTable table = new SummaryTable(experiment, ranking, contents.parameters(), contents.rows());
        List<Path> plots = SweepPlots.write(table, layout.plotsDirectory());
        AtomicFiles.writeString(layout.summaryCsv(), table.toCsv());
        List<String> relative = plots.stream()
                .map(p -> experimentDirectory.relativize(p).toString().replace('\\', '/'))
                .toList();
        AtomicFiles.writeString(layout.summaryMarkdown(), table.toMarkdown(relative));
        return new Written(table, layout.summaryCsv(), layout.summaryMarkdown(), plots);
    }
}
