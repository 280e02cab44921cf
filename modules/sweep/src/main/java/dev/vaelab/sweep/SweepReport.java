package dev.vaelab.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sweep did: each run's result in sweep order, and whether it was stopped before the end.
 *
 * @param results run name to result; runs never started are {@link Outcome#PENDING}
 * @param stopped whether a stop (Ctrl-C) ended the sweep early
 * @param seconds the sweep's wall-clock seconds
 */
public record SweepReport(Map<String, RunResult> results, boolean stopped, double seconds) {
    public SweepReport {
        results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
    }

    public long count(Outcome outcome) {
        return results.values().stream().filter(r -> r.outcome() == outcome).count();
    }

    /** Runs that finished in an earlier attempt, so nothing was launched for them. */
    public long reused() {
        return results.values().stream().filter(RunResult::reused).count();
    }

    /** Whether every run has finished. */
    public boolean allFinished() {
        return count(Outcome.FINISHED) == results.size();
    }

    /** The runs that did not finish. */
    public List<RunResult> unfinished() {
        return results.values().stream().filter(r -> r.outcome() != Outcome.FINISHED).toList();
    }
}
