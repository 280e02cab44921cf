package dev.vaelab.sweep.summary;

import dev.vaelab.tracking.Png;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plots of a sweep summary, as PNG files: the ranking metric against each swept parameter
 * (every run a point, the mean over runs with that value a line; a numeric parameter spanning a decade
 * or more gets a log axis, a non-numeric one a categorical axis), and the training curves
 * ({@link ExperimentRuns#CURVES}) of all runs on one chart each.
 */
final class SweepPlots {
    private static final Color POINT = new Color(0x4E79A7);
    private static final Color MEAN = new Color(0x333333);

    private SweepPlots() {
    }

    /** Writes the plots into {@code directory}; returns their files. */
    static List<Path> write(SummaryTable table, Path directory) {
        List<Path> files = new ArrayList<>();
        String metric = table.metric().name();
        for (String parameter : table.parameters()) {
            Chart chart = metricAgainst(table, parameter);
            if (chart != null) {
                Path file = directory.resolve(fileName(metric) + "_vs_" + fileName(parameter) + ".png");
                Png.write(chart.render(760, 480), file);
                files.add(file);
            }
        }
        for (String curve : ExperimentRuns.CURVES) {
            Chart chart = curves(table, curve);
            if (chart != null) {
                Path file = directory.resolve("curves_" + fileName(curve) + ".png");
                Png.write(chart.render(980, 540), file);
                files.add(file);
            }
        }
        return files;
    }

    /** The metric against one parameter, or null when no run has the metric. */
    static Chart metricAgainst(SummaryTable table, String parameter) {
        String metric = table.metric().name();
        List<RunRow> rows = table.rows().stream()
                .filter(r -> r.metric(metric).filter(Double::isFinite).isPresent())
                .sorted(java.util.Comparator.comparingInt(RunRow::index))
                .toList();
        if (rows.isEmpty()) {
            return null;
        }
        List<String> texts = rows.stream().map(r -> r.parameters().getOrDefault(parameter, "")).toList();
        boolean numeric = texts.stream().allMatch(SweepPlots::isNumber);
        Map<String, Integer> categories = new LinkedHashMap<>();
        texts.forEach(t -> categories.putIfAbsent(t, categories.size()));
        double[] xs = new double[rows.size()];
        double[] ys = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            xs[i] = numeric ? Double.parseDouble(texts.get(i)) : categories.get(texts.get(i));
            ys[i] = rows.get(i).metric(metric).orElseThrow();
        }
        String goal = table.metric().maximize() ? "higher is better" : "lower is better";
        Chart chart = new Chart(metric + " vs " + parameter + "  (points: runs, line: mean)", parameter,
                metric + " (" + goal + ")");
        if (numeric) {
            double min = java.util.Arrays.stream(xs).min().orElse(1);
            double max = java.util.Arrays.stream(xs).max().orElse(1);
            if (min > 0 && max / min >= 10) {
                chart.logX();
            }
        } else {
            chart.categories(List.copyOf(categories.keySet()));
        }
        // the mean over the runs that share a value, in increasing x
        Map<Double, double[]> sums = new java.util.TreeMap<>();
        for (int i = 0; i < xs.length; i++) {
            double[] s = sums.computeIfAbsent(xs[i], k -> new double[2]);
            s[0] += ys[i];
            s[1]++;
        }
        double[] mx = sums.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] my = sums.values().stream().mapToDouble(s -> s[0] / s[1]).toArray();
        chart.add(null, mx, my, Chart.Style.LINE, MEAN, false);
        chart.add(null, xs, ys, Chart.Style.POINTS, POINT, false); // over the line

        return chart;
    }

    /** One curve for every run that logged {@code key}, best run first in the legend; null if none did. */
    static Chart curves(SummaryTable table, String key) {
        List<RunRow> rows = table.rows().stream().filter(r -> r.curves().containsKey(key)).toList();
        if (rows.isEmpty()) {
            return null;
        }
        Chart chart = new Chart(key + " during training, all runs", "step", key);
        for (RunRow r : rows) {
            List<double[]> points = r.curves().get(key);
            double[] xs = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = points.stream().mapToDouble(p -> p[1]).toArray();
            chart.add(r.label(), xs, ys, points.size() <= 30 ? Chart.Style.LINE_AND_POINTS : Chart.Style.LINE);
        }
        return chart;
    }

    private static boolean isNumber(String text) {
        try {
            return Double.isFinite(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A metric or key as part of a file name: {@code test/elbo} becomes {@code test_elbo}. */
    static String fileName(String key) {
        return key.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
