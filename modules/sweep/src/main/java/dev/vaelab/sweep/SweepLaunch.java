package dev.vaelab.sweep;

import dev.vaelab.sweep.summary.SweepSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What a {@link SweepLauncher} did: ran the sweep here, or handed it to a scheduler. */
public sealed interface SweepLaunch {
    /**
     * The sweep ran in this process, to its end or until stopped.
     *
     * @param report how each run ended
     * @param summary the summary written at the end
     */
    record Ran(SweepReport report, SweepSummary.Written summary) implements SweepLaunch {
        public Ran {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(summary, "summary");
        }
    }

    /**
     * The sweep's unfinished runs were handed to a scheduler, which runs them after this process ends.
     *
     * @param jobId the scheduler's id of the submission, empty when nothing was submitted
     * @param submitted the runs submitted, in the scheduler's task order
     * @param finished runs already finished, not submitted
     * @param queued runs still queued or running in an earlier submission, with where they are
     * @param jobs how the submission was split ("job array 12: 3 tasks (array 0-2%1)"), one line each
     * @param script the submitted script, if any
     */
    record Submitted(Optional<String> jobId, List<String> submitted, List<String> finished, Map<String, String> queued,
                     List<String> jobs, Optional<Path> script) implements SweepLaunch {
        public Submitted {
            Objects.requireNonNull(jobId, "jobId");
            submitted = List.copyOf(submitted);
            finished = List.copyOf(finished);
            queued = Map.copyOf(queued);
            jobs = List.copyOf(jobs);
            Objects.requireNonNull(script, "script");
        }
    }
}
