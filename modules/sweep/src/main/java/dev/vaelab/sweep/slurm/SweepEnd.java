package dev.vaelab.sweep.slurm;

import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.RunResult;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepReport;
import dev.vaelab.sweep.SweepTracking;
import dev.vaelab.sweep.summary.SweepSummary;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.mlflow.SweepRanks;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ends a sweep that ran on Slurm ({@code vaelab sweep-end}, the final job of each submission): once
 * none of its runs is pending or running in Slurm, it writes the summary and ends the sweep's parent
 * run: finished when every run finished, killed when the runs that did not finish were all cancelled
 * or killed (they resume when submitted again), failed otherwise. While some run is still queued (a
 * later submission's), it does nothing: that submission's own final job ends the sweep.
 */
public final class SweepEnd {
    private final SweepState states;
    private final RunLoggerFactory loggers;
    private final SweepRanks ranks;

    @Inject
    public SweepEnd(SweepState states, RunLoggerFactory loggers, SweepRanks ranks) {
        this.states = states;
        this.loggers = loggers;
        this.ranks = ranks;
    }

    /** What {@link #endIfDone} found: the summary written, or the runs still queued or running. */
    public record Ended(Optional<SweepSummary.Written> summary, List<SweepState.Row> waiting, SweepReport report) {
    }

    /** Ends the sweep in {@code experimentDirectory} if nothing of it waits in Slurm; {@code uri} is its tracking URI. */
    public Ended endIfDone(Path experimentDirectory, Optional<String> uri) {
        List<SweepState.Row> rows = states.of(experimentDirectory);
        List<SweepState.Row> waiting = rows.stream()
                .filter(r -> !r.where().isEmpty() && (r.state().equals("pending") || r.state().equals("running")))
                .toList();
        SweepReport report = report(rows);
        if (!waiting.isEmpty()) {
            return new Ended(Optional.empty(), waiting, report);
        }
        SweepLayout layout = new SweepLayout(experimentDirectory.toAbsolutePath());
        SweepSummary.Written summary = SweepSummary.write(layout.experimentDirectory(), Optional.empty());
        try (SweepTracking tracking = SweepTracking.reopen(loggers, ranks, layout, uri)) {
            tracking.finish(report, summary);
        }
        return new Ended(Optional.of(summary), List.of(), report);
    }

    /**
     * The sweep as a report of how each run ended; {@code stopped} (the parent ends killed) when no
     * run that did not finish failed.
     */
    static SweepReport report(List<SweepState.Row> rows) {
        Map<String, RunResult> results = new LinkedHashMap<>();
        boolean failed = false;
        for (SweepState.Row row : rows) {
            Outcome outcome = switch (row.state()) {
                case "finished" -> Outcome.FINISHED;
                case "failed" -> Outcome.FAILED;
                case "killed", "cancelled" -> Outcome.KILLED;
                default -> Outcome.PENDING;
            };
            failed |= outcome == Outcome.FAILED;
            results.put(row.run(), new RunResult(row.run(), outcome, row.detail().isEmpty() ? null : row.detail(), null,
                    0, true));
        }
        boolean unfinished = results.values().stream().anyMatch(r -> r.outcome() != Outcome.FINISHED);
        return new SweepReport(results, unfinished && !failed, 0);
    }
}
