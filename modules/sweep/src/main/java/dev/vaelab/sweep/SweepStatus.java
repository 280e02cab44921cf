package dev.vaelab.sweep;

import dev.vaelab.core.console.ProgressBar;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot of a sweep for its progress display: the counts, the time, an ETA, and a line per
 * running run with the last line that run printed.
 *
 * @param experiment the experiment
 * @param total runs in the sweep
 * @param finished runs finished (before or during this sweep)
 * @param failed runs that failed or are held elsewhere
 * @param killed runs stopped before they finished (Ctrl-C, a scheduler), which resume when the sweep runs again
 * @param waiting runs not started yet
 * @param running the running runs
 * @param elapsedSeconds since the sweep started
 * @param etaSeconds the estimated time to the end, when one can be made
 */
public record SweepStatus(String experiment, int total, int finished, int failed, int killed, int waiting, List<Running> running,
                          double elapsedSeconds, OptionalDouble etaSeconds) {
    private static final Pattern EPOCH = Pattern.compile("epoch (\\d+)/(\\d+)");
    private static final Pattern PERCENT = Pattern.compile("\\]\\s*(\\d{1,3})%");

    /**
     * One running run.
     *
     * @param index its number in the sweep, from 0
     * @param name its name
     * @param label its swept values
     * @param seconds how long its process has run
     * @param lastLine the last line of its output
     */
    public record Running(int index, String name, String label, double seconds, String lastLine) {
        /** How far the run is, from its training progress line; empty before training starts. */
        public OptionalDouble fraction() {
            return SweepStatus.fraction(lastLine);
        }
    }

    public SweepStatus {
        running = List.copyOf(running);
    }

    /** The display: a head line, then one line per running run, each cut to {@code width}. */
    public List<String> lines(int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder("sweep ").append(experiment).append(": ")
                .append(finished).append('/').append(total).append(" done, ")
                .append(running.size()).append(" running, ")
                .append(failed).append(" failed, ")
                .append(killed > 0 ? killed + " killed, " : "")
                .append(waiting).append(" waiting | ")
                .append(ProgressBar.formatDuration(elapsedSeconds)).append(" elapsed");
        etaSeconds.ifPresent(eta -> head.append(", ETA ").append(ProgressBar.formatDuration(eta)));
        lines.add(cut(head.toString(), width));
        for (Running r : running) {
            String text = "  [" + (r.index() + 1) + "] " + r.label() + " | " + ProgressBar.formatDuration(r.seconds())
                    + (r.lastLine().isEmpty() ? "" : " | " + r.lastLine().strip());
            lines.add(cut(text, width));
        }
        return lines;
    }

    /**
     * The ETA: the mean duration of runs (from those that ended in this sweep, else extrapolated
     * from the running runs' progress) times the work left, over the runs at once.
     */
    static OptionalDouble eta(List<Double> endedSeconds, List<Running> running, int waiting, int parallel) {
        OptionalDouble perRun = endedSeconds.stream().mapToDouble(Double::doubleValue).average();
        if (perRun.isEmpty()) {
            perRun = running.stream()
                    .filter(r -> r.fraction().orElse(0) > 0.05)
                    .mapToDouble(r -> r.seconds() / r.fraction().getAsDouble())
                    .average();
        }
        if (perRun.isEmpty()) {
            return OptionalDouble.empty();
        }
        double left = waiting;
        for (Running r : running) {
            left += 1 - r.fraction().orElse(0);
        }
        int lanes = Math.max(1, Math.min(parallel, waiting + running.size()));
        return OptionalDouble.of(perRun.getAsDouble() * left / lanes);
    }

    /** {@code epoch 3/10 [###...] 40%} gives 0.24; {@code epoch 3/10 ...} without a bar gives 0.3 (its end). */
    static OptionalDouble fraction(String line) {
        Matcher epoch = EPOCH.matcher(line);
        if (!epoch.find()) {
            return OptionalDouble.empty();
        }
        int i = Integer.parseInt(epoch.group(1));
        int n = Integer.parseInt(epoch.group(2));
        if (n <= 0) {
            return OptionalDouble.empty();
        }
        Matcher percent = PERCENT.matcher(line);
        double within = percent.find() ? Math.min(100, Integer.parseInt(percent.group(1))) / 100.0 : 1.0;
        return OptionalDouble.of(Math.min(1.0, (i - 1 + within) / n));
    }

    private static String cut(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
    }
}
