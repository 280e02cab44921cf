package dev.vaelab.sweep.summary;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.error.DataException;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.sweep.Outcome;
import dev.vaelab.sweep.PlanRecord;
import dev.vaelab.sweep.RunLock;
import dev.vaelab.sweep.RunResult;
import dev.vaelab.sweep.SweepFiles;
import dev.vaelab.sweep.SweepLayout;
import dev.vaelab.sweep.SweepRunner;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunRecord;
import dev.vaelab.tracking.RunRecordJson;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the runs of one experiment folder for the summary. With a sweep plan ({@code sweep/plan.json})
 * the rows are the plan's runs in sweep order, pending ones included, and the columns its swept
 * keys; without one, every run folder (one holding a {@code run.json} of the same name, so folders
 * moved aside are left out) in start order, and the columns the config keys whose values differ.
 */
public final class ExperimentRuns {
    /** The metrics a summary shows when runs have them. */
    public static final List<String> KEY_METRICS = List.of("test/elbo", "test/nll_iw", "val/active_units",
            "probe/accuracy");
    /** The training curves drawn for all runs. */
    public static final List<String> CURVES = List.of("val/elbo", "train/loss");

    /** The status of a run whose record, summary or metrics cannot be read. */
    public static final String CORRUPT = "corrupt";
    /** The suffix of an earlier attempt moved aside: {@code <run>.<status>-<ISO time>}. */
    private static final java.util.regex.Pattern MOVED_ASIDE = java.util.regex.Pattern.compile("\\.[a-z]+-\\d{4}-\\d{2}-\\d{2}T");

    private ExperimentRuns() {
    }

    /** What an experiment folder holds: the plan, if any, and its runs. */
    public record Contents(Optional<PlanRecord> plan, List<String> parameters, List<RunRow> rows) {
        public Contents {
            parameters = List.copyOf(parameters);
            rows = List.copyOf(rows);
        }
    }

    /** Reads {@code experimentDirectory}; {@code metric} is read besides the key metrics. */
    public static Contents read(Path experimentDirectory, String metric) {
        if (!Files.isDirectory(experimentDirectory)) {
            throw new DataException(experimentDirectory + " is not a folder; give results/<experiment>");
        }
        SweepLayout layout = new SweepLayout(experimentDirectory);
        Optional<PlanRecord> plan = SweepFiles.readPlan(layout);
        Map<String, RunResult> outcomes = SweepFiles.readOutcomes(layout);
        Set<String> metrics = new LinkedHashSet<>(KEY_METRICS);
        metrics.add(metric);
        List<RunRow> rows = new ArrayList<>();
        List<String> parameters;
        if (plan.isPresent()) {
            parameters = plan.get().parameters();
            for (PlanRecord.Entry entry : plan.get().runs()) {
                rows.add(row(layout, rows.size(), entry.name(), entry.parameters(), metrics, outcomes.get(entry.name())));
            }
        } else {
            List<Path> runs = runFolders(experimentDirectory);
            Map<Path, Map<String, String>> configs = new LinkedHashMap<>();
            for (Path run : runs) {
                configs.put(run, flatConfig(run));
            }
            parameters = differing(configs.values());
            for (Path run : runs) {
                Map<String, String> values = new LinkedHashMap<>();
                parameters.forEach(p -> values.put(p, configs.get(run).getOrDefault(p, "")));
                String name = run.getFileName().toString();
                rows.add(row(layout, rows.size(), name, values, metrics, outcomes.get(name)));
            }
        }
        if (rows.isEmpty()) {
            throw new DataException(experimentDirectory + " holds no runs (no <run>/run.json and no sweep/plan.json)");
        }
        return new Contents(plan, parameters, rows);
    }

    /** A run's row; a run whose files cannot be read is {@code corrupt}, with the reason, and the others go on. */
    private static RunRow row(SweepLayout layout, int index, String name, Map<String, String> parameters,
                              Set<String> metricKeys, RunResult outcome) {
        try {
            return readRow(layout, index, name, parameters, metricKeys, outcome);
        } catch (DataException corrupt) {
            return new RunRow(index, name, CORRUPT, parameters, Map.of(), null, SweepRunner.corruptNote(corrupt), Map.of());
        }
    }

    private static RunRow readRow(SweepLayout layout, int index, String name, Map<String, String> parameters,
                                  Set<String> metricKeys, RunResult outcome) {
        Path dir = layout.runDirectory(name);
        Path runFile = dir.resolve(RunStore.RUN_FILE);
        if (!Files.isRegularFile(runFile)) {
            // never started, or failed before it had a folder: the sweep's record says which
            String status = outcome == null ? Outcome.PENDING.wireName() : outcome.outcome().wireName();
            return new RunRow(index, name, status, parameters, Map.of(), null, outcome == null ? null : outcome.error(),
                    Map.of());
        }
        RunRecord record = RunRecordJson.read(runFile);
        String status = record.status().wireName();
        // a sweep's run holds its lock while it lives; a free lock means its process died
        if (record.status() == RunStatus.RUNNING && Files.exists(layout.lockFile(name))
                && RunLock.tryAcquire(layout.lockFile(name)).map(l -> {
            l.close();
            return true;
        }).orElse(false)) {
            status = "interrupted"; // it resumes when the sweep is started again
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        Map<String, Double> last = new HashMap<>();
        Path metricsFile = dir.resolve(RunStore.METRICS_FILE);
        if (Files.isRegularFile(metricsFile)) {
            for (MetricRow m : MetricsCsv.read(metricsFile)) {
                if (metricKeys.contains(m.key())) {
                    last.put(m.key(), m.value());
                }
                if (CURVES.contains(m.key())) {
                    curves.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(new double[] {m.step(), m.value()});
                }
            }
        }
        Map<String, Double> summary = Files.isRegularFile(dir.resolve(RunStore.SUMMARY_FILE))
                ? RunStore.open(dir).readSummary() : Map.of();
        for (String key : metricKeys) {
            Double value = summary.containsKey(key) ? summary.get(key) : last.get(key);
            if (value != null) {
                metrics.put(key, value);
            }
        }
        Double seconds = record.duration().map(d -> d.toMillis() / 1000.0).orElse(null);
        return new RunRow(index, name, status, parameters, metrics, seconds, record.error(), curves);
    }

    /** Run folders: those whose run.json names them (a folder moved aside keeps its old run.json). */
    private static List<Path> runFolders(Path experimentDirectory) {
        List<RunRecord> records = new ArrayList<>();
        Map<RunRecord, Path> folders = new HashMap<>();
        List<Path> unreadable = new ArrayList<>();
        try (Stream<Path> children = Files.list(experimentDirectory)) {
            for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
                Path runFile = child.resolve(RunStore.RUN_FILE);
                if (Files.isRegularFile(runFile)) {
                    RunRecord record;
                    try {
                        record = RunRecordJson.read(runFile);
                    } catch (DataException corrupt) {
                        if (!MOVED_ASIDE.matcher(child.getFileName().toString()).find()) {
                            unreadable.add(child);
                        }
                        continue;
                    }
                    if (record.runName().equals(child.getFileName().toString())) {
                        records.add(record);
                        folders.put(record, child);
                    }
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot list " + experimentDirectory + ": " + e.getMessage(), e);
        }
        records.sort(Comparator.comparing(RunRecord::startTime).thenComparing(RunRecord::runName));
        List<Path> runs = new ArrayList<>(records.stream().map(folders::get).toList());
        runs.addAll(unreadable); // listed last, as corrupt
        return runs;
    }

    private static Map<String, String> flatConfig(Path run) {
        Path config = run.resolve(RunStore.CONFIG_FILE);
        if (!Files.isRegularFile(config)) {
            return Map.of();
        }
        try {
            return ConfigLoader.load(config).flatten();
        } catch (VaelabException unreadable) {
            return Map.of(); // its row says what else is wrong with it
        }
    }

    /** The keys whose values are not the same in every config, in the order they first appear. */
    static List<String> differing(Iterable<Map<String, String>> configs) {
        Set<String> keys = new LinkedHashSet<>();
        configs.forEach(c -> keys.addAll(c.keySet()));
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            Set<String> values = new LinkedHashSet<>();
            configs.forEach(c -> values.add(c.getOrDefault(key, "")));
            if (values.size() > 1) {
                out.add(key);
            }
        }
        return out;
    }
}
