package dev.vaelab.sweep.slurm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task of a job array as Slurm reports it.
 *
 * @param taskId its {@code ArrayTaskId}
 * @param state its {@code JobState}: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
 * @param exitCode its {@code ExitCode} ({@code code:signal})
 * @param reason Slurm's {@code Reason} (why a task waits or failed), {@code None} when it has none
 */
public record TaskState(int taskId, String state, String exitCode, String reason) {
    public TaskState {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(reason, "reason");
    }

    /** Whether the task may still run: pending, configuring, running, requeued, suspended... */
    public boolean active() {
        return switch (state) {
            case "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
                 "RESIZING", "SUSPENDED", "STAGE_OUT", "SIGNALING", "STOPPED" -> true;
            default -> false;
        };
    }

    /**
     * The tasks of one line of {@code scontrol show job -o}: one task, or several when Slurm still
     * holds pending tasks together ({@code ArrayTaskId=2-5%1}, {@code 1,3}).
     */
    static List<TaskState> parse(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String token : line.strip().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        String ids = fields.get("ArrayTaskId");
        if (ids == null) {
            return List.of();
        }
        String state = fields.getOrDefault("JobState", "UNKNOWN");
        String exit = fields.getOrDefault("ExitCode", "0:0");
        String reason = fields.getOrDefault("Reason", "None");
        List<TaskState> tasks = new ArrayList<>();
        int percent = ids.indexOf('%');
        for (String part : (percent >= 0 ? ids.substring(0, percent) : ids).split(",")) {
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash >= 0 ? part.substring(0, dash) : part);
            int to = dash >= 0 ? Integer.parseInt(part.substring(dash + 1)) : from;
            for (int id = from; id <= to; id++) {
                tasks.add(new TaskState(id, state, exit, reason));
            }
        }
        return tasks;
    }
}
