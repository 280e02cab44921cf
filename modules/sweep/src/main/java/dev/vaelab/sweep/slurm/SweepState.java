package dev.vaelab.sweep.slurm;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlanRecord;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepRunner;
import dev.vaelab.tracking.RunStore;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where each run of a sweep stands ({@code vaelab sweep status}), from its run store and, for runs
 * submitted to Slurm, from Slurm ({@code scontrol show job}, which works without accounting): pending,
 * running, finished, failed with its exit reason, killed (resumes when submitted again), cancelled.
 * A task Slurm has no record of was cancelled before it started (or is long gone).
 */
public final class SweepState {
    private final SlurmCommands slurm;

    @Inject
    public SweepState(SlurmCommands slurm) {
        this.slurm = slurm;
    }

    /**
     * One run's state.
     *
     * @param index its number in the sweep, from 0
     * @param run its name
     * @param label its swept values
     * @param state pending, running, finished, failed, killed, cancelled or not started
     * @param where its Slurm job and task ({@code 12_3}), empty for a run not submitted to Slurm
     * @param detail why it waits or how it ended
     */
    public record Row(int index, String run, String label, String state, String where, String detail) {
    }

    /** The state of every run of the sweep in {@code experimentDirectory}. */
    public List<Row> of(Path experimentDirectory) {
        SweepLayout layout = new SweepLayout(experimentDirectory.toAbsolutePath());
        PlanRecord plan = SweepFiles.readPlan(layout).orElseThrow(() -> new VaelabException(experimentDirectory
                + " holds no sweep (no " + layout.planFile() + "); give the results folder of a sweep, e.g. results/<experiment>"));
        List<Submission> submissions = Submission.all(layout);
        Map<String, Map<Integer, TaskState>> jobs = new HashMap<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < plan.runs().size(); i++) {
            PlanRecord.Entry entry = plan.runs().get(i);
            String label = label(entry);
            Optional<Submission> sub = Submission.latestFor(submissions, entry.name());
            String where = "";
            TaskState task = null;
            if (sub.isPresent()) {
                String id = sub.get().jobId().orElseThrow();
                int t = sub.get().taskOf(entry.name()).orElseThrow();
                where = id + "_" + t;
                task = jobs.computeIfAbsent(id, this::byId).get(t);
            }
            rows.add(row(layout, i, entry.name(), label, sub.isPresent(), where, task));
        }
        return rows;
    }

    private Map<Integer, TaskState> byId(String jobId) {
        Map<Integer, TaskState> byId = new HashMap<>();
        slurm.tasks(jobId).forEach(t -> byId.put(t.taskId(), t));
        return byId;
    }

    private static Row row(SweepLayout layout, int index, String run, String label, boolean submitted, String where,
                           TaskState task) {
        Outcome stored = SweepRunner.priorState(layout, run);
        String error = stored == Outcome.FAILED || stored == Outcome.KILLED ? firstLine(error(layout, run)) : "";
        if (stored == Outcome.FINISHED) {
            return new Row(index, run, label, "finished", where, "");
        }
        if (task != null && task.active()) {
            boolean pending = task.state().equals("PENDING");
            return new Row(index, run, label, pending ? "pending" : "running", where,
                    pending ? "waiting: " + task.reason() : task.state().toLowerCase(Locale.ROOT));
        }
        if (task != null) {
            String slurmSays = task.state() + ", exit code " + task.exitCode()
                    + (task.reason().equals("None") ? "" : ", " + task.reason());
            return switch (task.state()) {
                case "CANCELLED" -> new Row(index, run, label, stored == Outcome.KILLED ? "killed" : "cancelled", where,
                        "cancelled in Slurm" + (stored == Outcome.KILLED ? "; resumes from its checkpoint when submitted again" : ""));
                case "TIMEOUT", "PREEMPTED" -> new Row(index, run, label, "killed", where,
                        (task.state().equals("TIMEOUT") ? "time limit reached" : "preempted")
                                + "; resumes from its checkpoint when submitted again");
                default -> new Row(index, run, label, "failed", where,
                        slurmSays + (error.isEmpty() ? "" : ": " + error));
            };
        }
        if (submitted) {
            return switch (stored) {
                case KILLED -> new Row(index, run, label, "killed", where, error + "; resumes when submitted again");
                case FAILED -> new Row(index, run, label, "failed", where, error);
                case RUNNING -> new Row(index, run, label, "failed", where,
                        "Slurm has no record of the task and the run never recorded its end");
                default -> new Row(index, run, label, "cancelled", where,
                        "Slurm has no record of the task: cancelled before it started");
            };
        }
        return switch (stored) {
            case KILLED -> new Row(index, run, label, "killed", "", error);
            case FAILED -> new Row(index, run, label, "failed", "", error);
            case RUNNING -> new Row(index, run, label, "running", "", "");
            default -> new Row(index, run, label, "not started", "", "");
        };
    }

    private static String error(SweepLayout layout, String run) {
        Path file = layout.runDirectory(run).resolve(RunStore.RUN_FILE);
        return Files.isRegularFile(file) ? Optional.ofNullable(SweepRunner.recordedError(layout, run)).orElse("") : "";
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    private static String label(PlanRecord.Entry entry) {
        StringBuilder sb = new StringBuilder();
        entry.parameters().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.length() == 0 ? entry.name() : sb.toString();
    }

    /** The table {@code vaelab sweep status} prints, with a count line. */
    public static String render(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"#", "run", "params", "state", "slurm", "detail"});
        for (Row r : rows) {
            cells.add(new String[] {Integer.toString(r.index() + 1), r.run(), r.label(), r.state(), r.where(), r.detail()});
        }
        int[] width = new int[6];
        cells.forEach(c -> {
            for (int i = 0; i < 6; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        });
        StringBuilder sb = new StringBuilder();
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                line.append(i == 5 ? c[i] : String.format("%-" + width[i] + "s  ", c[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        rows.forEach(r -> counts.merge(r.state(), 1, Integer::sum));
        sb.append(rows.size()).append(" runs:");
        counts.forEach((k, v) -> sb.append(' ').append(v).append(' ').append(k).append(','));
        sb.setLength(sb.length() - (counts.isEmpty() ? 0 : 1));
        return sb.append('\n').toString();
    }
}
