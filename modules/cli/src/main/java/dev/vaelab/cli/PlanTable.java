package dev.vaelab.cli;

import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlannedRun;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepOptions;
import dev.vaelab.sweep.SweepPlan;
import dev.vaelab.sweep.SweepRunner;
import java.util.ArrayList;
import java.util.List;

/** The table {@code vaelab sweep --dry-run} prints: every planned run, its values and where it stands. */
final class PlanTable {
    private PlanTable() {
    }

    static String render(SweepPlan plan, SweepOptions options, SweepLayout layout) {
        List<String> keys = plan.spec().keys();
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("#", "run"));
        header.addAll(keys);
        header.add("state");
        rows.add(header);
        for (PlannedRun run : plan.runs()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(run.index() + 1), run.name()));
            keys.forEach(k -> row.add(run.parameters().getOrDefault(k, "")));
            row.add(state(SweepRunner.priorState(layout, run.name()), options.retryFailed()));
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        rows.forEach(r -> {
            for (int c = 0; c < r.size(); c++) {
                widths[c] = Math.max(widths[c], r.get(c).length());
            }
        });
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("sweep %s: %d runs (%s%s), %d at once with %d ONNX Runtime thread%s each, launcher %s%n",
                plan.experiment(), plan.runs().size(), plan.spec().random() ? "random search" : "grid",
                keys.isEmpty() ? "" : " over " + String.join(", ", keys), options.parallel(), options.threadsPerRun(),
                options.threadsPerRun() == 1 ? "" : "s", options.launcher().name()));
        if (plan.duplicates() > 0) {
            sb.append(plan.duplicates()).append(" drawn runs repeat the config of an earlier one and run once\n");
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.size(); c++) {
                String cell = r.get(c);
                line.append(c == 0 ? " ".repeat(widths[c] - cell.length()) + cell : "  " + cell
                        + " ".repeat(widths[c] - cell.length()));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append("configs go to ").append(layout.sweepDirectory().resolve("configs")).append('\n');
        return sb.toString();
    }

    private static String state(Outcome prior, boolean retryFailed) {
        return switch (prior) {
            case PENDING -> "new";
            case FINISHED -> "finished (skipped)";
            case FAILED -> retryFailed ? "failed before (retried)" : "failed before (kept)";
            case KILLED, RUNNING -> "interrupted (resumes)";
            default -> prior.wireName();
        };
    }
}
