package dev.vaelab.sweep.summary;

import dev.vaelab.sweep.SweepMetric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ranked table of a sweep: runs × swept parameters × key metrics, best first by the sweep's
 * metric (runs without it last, in sweep order), rendered for the console, as CSV and as Markdown.
 */
public final class SummaryTable {
    private final String experiment;
    private final SweepMetric metric;
    private final List<String> parameters;
    private final List<String> metrics;
    private final List<RunRow> rows;

    public SummaryTable(String experiment, SweepMetric metric, List<String> parameters, List<RunRow> rows) {
        this.experiment = experiment;
        this.metric = metric;
        this.parameters = List.copyOf(parameters);
        Set<String> shown = new LinkedHashSet<>();
        shown.add(metric.name());
        for (String key : ExperimentRuns.KEY_METRICS) {
            if (rows.stream().anyMatch(r -> r.metrics().containsKey(key))) {
                shown.add(key);
            }
        }
        this.metrics = List.copyOf(shown);
        Comparator<RunRow> byMetric = Comparator.comparing(r -> r.metrics().get(metric.name()), metric.bestFirst());
        this.rows = rows.stream().sorted(byMetric.thenComparingInt(RunRow::index)).toList();
    }

    /** The rows, best first. */
    public List<RunRow> rows() {
        return rows;
    }

    /** The metric columns: the ranking metric, then the key metrics some run has. */
    public List<String> metrics() {
        return metrics;
    }

    public List<String> parameters() {
        return parameters;
    }

    public SweepMetric metric() {
        return metric;
    }

    /** One line: how many runs, how they stand, and the best. */
    public String headline() {
        String counts = rows.stream().collect(Collectors.groupingBy(RunRow::status, java.util.TreeMap::new,
                Collectors.counting())).entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        String line = experiment + ": " + rows.size() + " runs (" + counts + "), ranked by " + metric.name()
                + " (" + metric.goal() + ")";
        return rows.get(0).metric(metric.name())
                .map(v -> line + "; best " + format(v, false) + ": " + rows.get(0).label() + " (" + rows.get(0).name() + ")")
                .orElse(line + "; no run has " + metric.name() + " yet");
    }

    /** An aligned text table. */
    public String toText() {
        List<List<String>> cells = cells(false);
        int[] widths = new int[cells.get(0).size()];
        for (List<String> row : cells) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        boolean[] right = numericColumns(cells);
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            List<String> row = cells.get(r);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                String pad = " ".repeat(widths[c] - cell.length());
                line.append(c == 0 ? "" : "  ").append(right[c] ? pad + cell : cell + pad);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                sb.append("-".repeat(line.toString().stripTrailing().length())).append('\n');
            }
        }
        return sb.toString();
    }

    /** RFC 4180 CSV with full-precision numbers and the error of each run that has one. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        for (List<String> row : cells(true)) {
            sb.append(row.stream().map(SummaryTable::csvField).collect(Collectors.joining(","))).append('\n');
        }
        return sb.toString();
    }

    /** A Markdown page: the headline, the table, and the plots. */
    public String toMarkdown(List<String> plotFiles) {
        StringBuilder sb = new StringBuilder("# Sweep summary: ").append(experiment).append("\n\n")
                .append(headline()).append("\n\n");
        List<List<String>> cells = cells(false);
        sb.append(cells.get(0).stream().map(SummaryTable::mdCell).collect(Collectors.joining(" | ", "| ", " |\n")));
        boolean[] right = numericColumns(cells);
        List<String> align = new ArrayList<>();
        for (boolean r : right) {
            align.add(r ? "---:" : "---");
        }
        sb.append("| ").append(String.join(" | ", align)).append(" |\n");
        for (List<String> row : cells.subList(1, cells.size())) {
            sb.append(row.stream().map(SummaryTable::mdCell).collect(Collectors.joining(" | ", "| ", " |\n")));
        }
        List<RunRow> failed = rows.stream().filter(r -> r.error() != null && !r.status().equals("finished")).toList();
        if (!failed.isEmpty()) {
            sb.append("\n## Runs that did not finish\n\n");
            for (RunRow r : failed) {
                sb.append("- `").append(r.name()).append("` (").append(r.label()).append("), ").append(r.status())
                        .append(": ").append(r.error().lines().findFirst().orElse("")).append('\n');
            }
        }
        if (!plotFiles.isEmpty()) {
            sb.append("\n## Plots\n\n");
            for (String file : plotFiles) {
                sb.append("![").append(file).append("](").append(file).append(")\n\n");
            }
        }
        return sb.toString();
    }

    /**
     * The table as cells, a header row first: rank, run, status, the parameters, the metrics, the
     * duration; {@code exact} writes numbers in full and adds the error column (for CSV).
     */
    private List<List<String>> cells(boolean exact) {
        List<List<String>> out = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("rank", "run", "status"));
        header.addAll(parameters);
        header.addAll(metrics);
        header.add(exact ? "seconds" : "time");
        if (exact) {
            header.add("error");
        }
        out.add(header);
        // a column of counts (active units) reads as integers; any other keeps four decimals throughout
        Set<String> integral = new java.util.HashSet<>();
        for (String m : metrics) {
            if (rows.stream().map(r -> r.metrics().get(m)).filter(java.util.Objects::nonNull)
                    .allMatch(v -> Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 1e9)) {
                integral.add(m);
            }
        }
        int rank = 0;
        for (RunRow r : rows) {
            rank++;
            List<String> row = new ArrayList<>();
            row.add(r.metrics().containsKey(metric.name()) ? Integer.toString(rank) : "-");
            row.add(r.name());
            row.add(r.status());
            parameters.forEach(p -> row.add(r.parameters().getOrDefault(p, "")));
            for (String m : metrics) {
                Double v = r.metrics().get(m);
                row.add(v == null ? "" : exact ? Double.toString(v) : format(v, integral.contains(m)));
            }
            if (exact) {
                row.add(r.seconds() == null ? "" : String.format(Locale.ROOT, "%.3f", r.seconds()));
                row.add(r.error() == null ? "" : r.error());
            } else {
                row.add(r.seconds() == null ? "" : dev.vaelab.core.console.ProgressBar.formatDuration(r.seconds()));
            }
            out.add(row);
        }
        return out;
    }

    /** A value of a column of integers as an integer, else with four decimals. */
    static String format(double v, boolean integer) {
        if (integer) {
            return Long.toString((long) v);
        }
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : Double.toString(v);
    }

    /** Columns whose cells are all numbers (or empty, or {@code -}) are right-aligned. */
    private static boolean[] numericColumns(List<List<String>> cells) {
        boolean[] numeric = new boolean[cells.get(0).size()];
        for (int c = 0; c < numeric.length; c++) {
            boolean all = true;
            for (List<String> row : cells.subList(1, cells.size())) {
                String cell = row.get(c);
                if (!cell.isEmpty() && !cell.equals("-") && !isNumber(cell) && !cell.matches("(\\d+:)?\\d+(:\\d\\d)?s?")) {
                    all = false;
                    break;
                }
            }
            numeric[c] = all;
        }
        return numeric;
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String csvField(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return '"' + field.replace("\"", "\"\"") + '"';
        }
        return field;
    }

    private static String mdCell(String cell) {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
