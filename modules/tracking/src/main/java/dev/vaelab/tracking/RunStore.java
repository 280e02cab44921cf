package dev.vaelab.tracking;

import dev.vaelab.core.error.DataException;
import dev.vaelab.core.error.VaelabException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * One run's directory, {@code <root>/<experiment>/<run-name>/}, laid out as ARCHITECTURE.md ("Results on
 * disk") fixes it:
 *
 * <pre>
 *   config.yaml    the resolved config, as the caller gave it
 *   run.json       {@link RunRecord}: status, ids, timings, error
 *   metrics.csv    {@link MetricsCsv}: key,value,step,timestamp, append-only
 *   grids/         {@code <kind>_eNNN.png}, and {@link GridIndex index.csv}: the step and time of each
 *   model/         written by other modules
 *   summary.json   {@link SummaryJson}: final metrics
 * </pre>
 *
 * Every file but {@code metrics.csv} is replaced whole through {@link AtomicFiles}, so a crash
 * leaves either the old or the new version. The metrics file is opened for appending on the first
 * row, so a store opened only to read it back changes nothing. Thread-safe.
 */
public final class RunStore implements Closeable {
    public static final String CONFIG_FILE = "config.yaml";
    public static final String RUN_FILE = "run.json";
    public static final String METRICS_FILE = "metrics.csv";
    public static final String GRIDS_DIR = "grids";
    public static final String GRID_INDEX_FILE = "index.csv";
    public static final String MODEL_DIR = "model";
    public static final String SUMMARY_FILE = "summary.json";

    private static final Pattern GRID_KIND = Pattern.compile("[a-z][a-z0-9_]*");
    // Characters that are path separators or are refused by some file system (Windows).
    private static final Pattern UNSAFE_NAME = Pattern.compile("[/\\\\:*?\"<>|\\p{Cntrl}]");

    private final Path directory;
    private final Clock clock;
    private RunRecord record;
    private MetricsCsvWriter metrics;
    // Complete rows in metrics.csv, appended ones included; -1 until first needed.
    private long metricRows = -1;
    private boolean closed;

    private RunStore(Path directory, RunRecord record, Clock clock) {
        this.directory = directory;
        this.record = record;
        this.clock = clock;
    }

    /** The directory a run of this experiment and name has under {@code root}. */
    public static Path directoryOf(Path root, String experiment, String runName) {
        return root.resolve(requireSafeName("experiment", experiment)).resolve(requireSafeName("run name", runName));
    }

    /** Creates a new running run under {@code root}, timed by the system clock, on this machine. */
    public static RunStore create(Path root, String experiment, String runName, String configYaml) {
        return create(root, experiment, runName, configYaml, Clock.systemUTC(), RunEnvironment.detect());
    }

    /**
     * Creates a new running run under {@code root}: the directory with {@code grids/} and
     * {@code model/}, {@code config.yaml} and, last, {@code run.json}, whose presence marks a run.
     *
     * @throws VaelabException when a run of that name already exists there
     */
    public static RunStore create(Path root, String experiment, String runName, String configYaml, Clock clock,
            RunEnvironment environment) {
        return createAt(directoryOf(root, experiment, runName), experiment, runName, configYaml, clock, environment);
    }

    /**
     * Creates a new running run of {@code experiment} named {@code runName} in {@code directory},
     * wherever that is (a sweep keeps its parent run beside its own files), laid out as
     * {@link #create} lays out a run.
     *
     * @throws VaelabException when a run already exists there
     */
    public static RunStore createAt(Path directory, String experiment, String runName, String configYaml, Clock clock,
            RunEnvironment environment) {
        Objects.requireNonNull(configYaml, "configYaml");
        requireSafeName("experiment", experiment);
        requireSafeName("run name", runName);
        if (Files.exists(directory.resolve(RUN_FILE))) {
            throw new VaelabException("run directory " + directory + " already holds a run (" + RUN_FILE
                    + " exists); open it to resume, or choose another run name");
        }
        try {
            Files.createDirectories(directory.resolve(GRIDS_DIR));
            Files.createDirectories(directory.resolve(MODEL_DIR));
        } catch (IOException e) {
            throw new VaelabException("cannot create run directory " + directory + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(directory.resolve(CONFIG_FILE), configYaml);
        RunRecord record = RunRecord.start(experiment, runName, now(clock), environment);
        AtomicFiles.writeString(directory.resolve(RUN_FILE), RunRecordJson.toJson(record));
        return new RunStore(directory, record, clock);
    }

    /** Opens an existing run directory, timed by the system clock. */
    public static RunStore open(Path directory) {
        return open(directory, Clock.systemUTC());
    }

    /**
     * Opens an existing run directory to read it back or to resume it; nothing is written until the
     * caller writes.
     *
     * @throws DataException when the directory holds no readable {@code run.json}
     */
    public static RunStore open(Path directory, Clock clock) {
        Path runFile = directory.resolve(RUN_FILE);
        if (!Files.isRegularFile(runFile)) {
            throw new DataException(directory + " is not a run directory: it has no " + RUN_FILE);
        }
        return new RunStore(directory, RunRecordJson.read(runFile), clock);
    }

    public Path directory() {
        return directory;
    }

    public Path configFile() {
        return directory.resolve(CONFIG_FILE);
    }

    public Path runFile() {
        return directory.resolve(RUN_FILE);
    }

    public Path metricsFile() {
        return directory.resolve(METRICS_FILE);
    }

    public Path gridsDirectory() {
        return directory.resolve(GRIDS_DIR);
    }

    /** Where other modules write the exported model and checkpoints; created with the run. */
    public Path modelDirectory() {
        return directory.resolve(MODEL_DIR);
    }

    public Path summaryFile() {
        return directory.resolve(SUMMARY_FILE);
    }

    /** {@code grids/index.csv}: when each grid was logged (see {@link GridIndex}). */
    public Path gridIndexFile() {
        return gridsDirectory().resolve(GRID_INDEX_FILE);
    }

    /** The grid file of this kind and epoch: {@code grids/<kind>_e<epoch, 3 digits or more>.png}. */
    public Path gridFile(String kind, int epoch) {
        if (kind == null || !GRID_KIND.matcher(kind).matches()) {
            throw new VaelabException("invalid grid kind '" + kind + "': use lower-case letters, digits and "
                    + "underscores, such as samples, reconstructions, traversals or classes");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative, was " + epoch);
        }
        return gridsDirectory().resolve(String.format("%s_e%03d.png", kind, epoch));
    }

    /** The run's record as last written to {@code run.json}. */
    public synchronized RunRecord record() {
        return record;
    }

    /** The resolved config the run was created with. */
    public String readConfig() {
        try {
            return Files.readString(configFile(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataException("run directory " + directory + " has no " + CONFIG_FILE, e);
        } catch (IOException e) {
            throw new DataException("cannot read " + configFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records a new status in {@code run.json}: a terminal one with the end time and {@code error},
     * {@link RunStatus#RUNNING} (for a resume) clearing both.
     */
    public synchronized void setStatus(RunStatus status, String error) {
        writeRecord(record.withStatus(status, error, now(clock)));
    }

    /** Sets one free-form field of {@code run.json}, such as the MLflow run id. */
    public synchronized void putExtra(String key, String value) {
        writeRecord(record.withExtra(key, value));
    }

    /** Sets several free-form fields of {@code run.json} in one write. */
    public synchronized void putExtras(Map<String, String> fields) {
        RunRecord updated = record;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            updated = updated.withExtra(field.getKey(), field.getValue());
        }
        if (!updated.equals(record)) {
            writeRecord(updated);
        }
    }

    /**
     * Appends rows to {@code metrics.csv}; they reach the file at the next flush. All keys are
     * checked first, so a bad key appends none of the rows.
     *
     * @return the index (counted from 0, header excluded) the first of these rows has in the file
     */
    public synchronized long appendMetrics(Collection<MetricRow> rows) {
        rows.forEach(row -> MetricKeys.requireValid(row.key()));
        MetricsCsvWriter writer = metricsWriter();
        long first = metricRowCount();
        for (MetricRow row : rows) {
            writer.append(row);
        }
        metricRows = first + rows.size();
        return first;
    }

    /** Whether a logger, in this process or another, is writing this run's {@code metrics.csv} now. */
    public boolean beingWritten() {
        return MetricsCsvWriter.isLocked(metricsFile());
    }

    /** The number of complete rows of {@code metrics.csv}, rows still buffered included. */
    public synchronized long metricRowCount() {
        if (metricRows < 0) {
            // Opening the writer first would cut a partial last line; reading skips it the same way.
            metricRows = Files.exists(metricsFile()) ? MetricsCsv.read(metricsFile()).size() : 0;
        }
        return metricRows;
    }

    /** Hands appended rows to the operating system, so that they survive a crash of this process. */
    public synchronized void flushMetrics() {
        if (metrics != null) {
            metrics.flush();
        }
    }

    /** Forces appended rows to disk, so that they survive a crash of the machine. */
    public synchronized void syncMetrics() {
        if (metrics != null) {
            metrics.sync();
        }
    }

    /** Every complete row of {@code metrics.csv}, including rows this store appended; none when there is no file. */
    public synchronized List<MetricRow> readMetrics() {
        flushMetrics();
        return Files.exists(metricsFile()) ? MetricsCsv.read(metricsFile()) : List.of();
    }

    /**
     * Keeps only the rows of {@code metrics.csv} logged at or before {@code step}, rewriting the
     * file atomically. A run resumed from the start calls it with 0 (keeping what loading logged);
     * one resumed from a checkpoint that did not count its rows, with the checkpoint's step.
     *
     * @return the number of rows dropped
     */
    public synchronized int retainMetricsThrough(long step) {
        return retainMetrics(rows -> rows.stream().filter(row -> row.step() <= step).toList());
    }

    /**
     * Keeps only the first {@code count} rows of {@code metrics.csv}, rewriting the file
     * atomically: a run resumed from a checkpoint keeps the rows logged before it, and drops
     * those logged after it even at its step (the test metrics of a run stopped before its end).
     *
     * @return the number of rows dropped
     * @throws DataException naming the file when it holds fewer rows than {@code count}: rows logged
     *     before the checkpoint are gone, and resuming would leave a hole in the run's curves
     */
    public synchronized int retainMetricRows(long count) {
        return retainMetrics(rows -> {
            requireRows(rows.size(), count);
            return rows.subList(0, (int) count);
        });
    }

    /**
     * Checks, reading only, that {@code metrics.csv} holds at least the {@code count} rows a
     * checkpoint counted, so that a run that cannot resume says so before its data is loaded.
     *
     * @throws DataException naming the file, as {@link #retainMetricRows} does
     */
    public synchronized void requireMetricRows(long count) {
        requireRows(metricRowCount(), count);
    }

    private void requireRows(long held, long count) {
        if (held < count) {
            throw new DataException(metricsFile() + " holds " + held + " rows, fewer than the " + count
                    + " logged before the run's checkpoint");
        }
    }

    private int retainMetrics(UnaryOperator<List<MetricRow>> keep) {
        boolean exists = Files.exists(metricsFile());
        List<MetricRow> rows = List.of();
        if (exists) {
            close(); // the writer's rows reach the file, and it is rewritten with no writer open
            closed = false;
            rows = MetricsCsv.read(metricsFile());
        }
        List<MetricRow> kept = keep.apply(rows); // may refuse: no file holds no rows
        if (!exists) {
            return 0;
        }
        StringBuilder text = new StringBuilder(MetricsCsv.HEADER).append('\n');
        kept.forEach(row -> text.append(MetricsCsv.format(row)));
        AtomicFiles.writeString(metricsFile(), text.toString());
        metricRows = kept.size();
        return rows.size() - kept.size();
    }

    /**
     * Writes a PNG grid atomically, then records it in {@code grids/index.csv} with the step it was
     * taken at and {@code timestamp}, and returns that entry.
     */
    public synchronized GridEntry writeGrid(String kind, int epoch, long step, long timestamp, byte[] png) {
        Path file = gridFile(kind, epoch);
        AtomicFiles.write(file, png);
        GridEntry entry = new GridEntry(file.getFileName().toString(), kind, epoch, step, timestamp);
        GridIndex.append(gridIndexFile(), entry);
        return entry;
    }

    /** The latest entry of every grid in {@code grids/index.csv}, in the order they were first written. */
    public List<GridEntry> readGridIndex() {
        return GridIndex.read(gridIndexFile());
    }

    /** Replaces {@code summary.json} with these final metrics. */
    public void writeSummary(Map<String, Double> metrics) {
        AtomicFiles.writeString(summaryFile(), SummaryJson.toJson(metrics));
    }

    /** The final metrics of {@code summary.json}. */
    public Map<String, Double> readSummary() {
        return SummaryJson.read(summaryFile());
    }

    /** Flushes, syncs and closes {@code metrics.csv}; the status in {@code run.json} is left as it is. */
    @Override
    public synchronized void close() {
        closed = true;
        if (metrics != null) {
            MetricsCsvWriter writer = metrics;
            metrics = null;
            writer.close();
        }
    }

    private MetricsCsvWriter metricsWriter() {
        if (closed) {
            throw new IllegalStateException("run store " + directory + " is closed");
        }
        if (metrics == null) {
            metrics = MetricsCsvWriter.open(metricsFile());
        }
        return metrics;
    }

    private void writeRecord(RunRecord updated) {
        AtomicFiles.writeString(runFile(), RunRecordJson.toJson(updated));
        record = updated;
    }

    // run.json stores milliseconds beside the ISO text; truncating keeps the two equal.
    private static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String requireSafeName(String what, String name) {
        if (name == null || name.isBlank() || name.equals(".") || name.equals("..")
                || UNSAFE_NAME.matcher(name).find() || !name.strip().equals(name) || name.endsWith(".")) {
            throw new VaelabException("invalid " + what + " '" + name + "': it names a folder, so it must be "
                    + "non-empty, must not be '.' or '..', start or end with a space or end with a period, and "
                    + "must not contain / \\ : * ? \" < > | or control characters");
        }
        return name;
    }
}
