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
 * (every run a point, the mean over runs with that value a line, per combination of the other
 * swept values; a numeric parameter spanning a decade or more gets a log axis, a non-numeric one a
 * categorical axis), and the training curves ({@link ExperimentRuns#CURVES}) of all runs on one
 * chart each.
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

    /**
     * The metric against one parameter, or null when no run has the metric. Runs that differ only
     * in their seed are replicates: each combination of the other swept values (seeds aside) gets
     * its colour, its points and the line of its means, so a second parameter does not blur the
     * first; more than ten combinations share one colour and one line.
     */
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
        List<String> others = table.parameters().stream().filter(p -> !p.equals(parameter) && !isSeed(p)).toList();
        boolean seeds = table.parameters().stream().anyMatch(p -> !p.equals(parameter) && isSeed(p));
        Map<String, List<double[]>> groups = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            RunRow r = rows.get(i);
            String group = others.stream().map(p -> shortKey(p, table.parameters()) + "=" + r.parameters().getOrDefault(p, ""))
                    .collect(java.util.stream.Collectors.joining(" "));
            double x = numeric ? Double.parseDouble(texts.get(i)) : categories.get(texts.get(i));
            groups.computeIfAbsent(group, k -> new ArrayList<>()).add(new double[] {x, r.metric(metric).orElseThrow()});
        }
        if (groups.size() > 10) {
            List<double[]> all = groups.values().stream().flatMap(List::stream).toList();
            groups = new LinkedHashMap<>(Map.of("", all));
        }
        String goal = table.metric().maximize() ? "higher is better" : "lower is better";
        Chart chart = new Chart(metric + " vs " + parameter + "  (points: runs, lines: mean"
                + (seeds ? " over seeds)" : ")"), parameter, metric + " (" + goal + ")");
        if (numeric) {
            double min = texts.stream().mapToDouble(Double::parseDouble).min().orElse(1);
            double max = texts.stream().mapToDouble(Double::parseDouble).max().orElse(1);
            if (min > 0 && max / min >= 10) {
                chart.logX();
            }
        } else {
            chart.categories(List.copyOf(categories.keySet()));
        }
        int colour = 0;
        for (Map.Entry<String, List<double[]>> group : groups.entrySet()) {
            Color c = groups.size() == 1 ? POINT : Chart.colour(colour++);
            double[] xs = group.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = group.getValue().stream().mapToDouble(p -> p[1]).toArray();
            // the mean over the runs that share a value, in increasing x
            Map<Double, double[]> sums = new java.util.TreeMap<>();
            for (int i = 0; i < xs.length; i++) {
                double[] sum = sums.computeIfAbsent(xs[i], k -> new double[2]);
                sum[0] += ys[i];
                sum[1]++;
            }
            double[] mx = sums.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] my = sums.values().stream().mapToDouble(sum -> sum[0] / sum[1]).toArray();
            String label = group.getKey().isEmpty() ? null : group.getKey();
            chart.add(label, mx, my, Chart.Style.LINE, groups.size() == 1 ? MEAN : c, false);
            chart.add(null, xs, ys, Chart.Style.POINTS, c, false); // over the lines
        }
        return chart;
    }

    /** A replicate seed: the experiment's {@code seed} or any key ending in {@code .seed}. */
    private static boolean isSeed(String key) {
        return key.equals("seed") || key.endsWith(".seed");
    }

    /** The last part of a dotted key when no other swept key ends the same way, for legends. */
    static String shortKey(String key, List<String> keys) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        long same = keys.stream().filter(k -> k.substring(k.lastIndexOf('.') + 1).equals(last)).count();
        return same == 1 ? last : key;
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
            chart.add(shortLabel(r, table.parameters()), xs, ys,
                    points.size() <= 30 ? Chart.Style.LINE_AND_POINTS : Chart.Style.LINE);
        }
        return chart;
    }

    /** {@code end=4 latent_dim=10 seed=0}: a run's values under short keys, or its name. */
    private static String shortLabel(RunRow r, List<String> keys) {
        if (r.parameters().isEmpty()) {
            return r.name();
        }
        return r.parameters().entrySet().stream().map(e -> shortKey(e.getKey(), keys) + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(" "));
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
