package dev.vaelab.tracking.mlflow;

import dev.vaelab.core.config.ConfigLoader;
import dev.vaelab.core.console.ProgressBar;
import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.MetricRow;
import dev.vaelab.tracking.MetricsCsv;
import dev.vaelab.tracking.RunStore;
import dev.vaelab.tracking.TrackingUri;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code vaelab mlflow-sync}: replays local run stores into MLflow servers, for runs made without a
 * network or whose live logging did not get everything through. A run already complete on its
 * server is only checked; any other is mirrored by {@link RunReplica}, which sends exactly what
 * the server lacks, so syncing twice duplicates nothing and a sync cut short continues where it
 * stopped. A run still being written by a running process is skipped. Sweep parents go first, so
 * their runs nest under them.
 */
public final class MlflowSync {
    /** What a sync did. */
    public record Report(int synced, int upToDate, int skipped, List<String> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    private final MlflowSettings settings;
    private final TrackingEnvironment environment;
    private final Notices notices;

    @Inject
    public MlflowSync(MlflowSettings settings, TrackingEnvironment environment, Notices notices) {
        this.settings = settings;
        this.environment = environment;
        this.notices = notices;
    }

    /**
     * Syncs the runs under {@code paths} (run directories, or experiment directories holding them).
     * The server is {@code trackingUri}, else the run's {@code tracking.uri}, else
     * {@code MLFLOW_TRACKING_URI}.
     *
     * @param out where the progress bar and the line per run go
     * @param interactive redraw the bar in place (a terminal)
     */
    public Report sync(List<Path> paths, Optional<String> trackingUri, PrintStream out, boolean interactive) {
        List<Path> runs = new ArrayList<>();
        for (Path path : paths) {
            runs.addAll(runDirectories(path));
        }
        Map<Path, TrackingServer> servers = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        long total = 0;
        for (Path run : runs) {
            try {
                servers.put(run, TrackingServer.resolve(uri(run, trackingUri), environment.variables()));
                total += rows(run) + 1;
            } catch (VaelabException e) {
                failures.add(run + ": " + e.getMessage());
            }
        }
        Map<String, MlflowService> services = new HashMap<>();
        ProgressBar bar = new ProgressBar(out, "mlflow-sync", total, interactive);
        long[] done = {0};
        int synced = 0;
        int upToDate = 0;
        int skipped = 0;
        try {
            for (Map.Entry<Path, TrackingServer> entry : servers.entrySet()) {
                Path dir = entry.getKey();
                MlflowService service = services.computeIfAbsent(entry.getValue().display(),
                        u -> new MlflowService(entry.getValue(), settings));
                long units = rows(dir) + 1;
                long start = done[0];
                String name = dir.getParent().getFileName() + "/" + dir.getFileName();
                Outcome outcome = syncRun(dir, service, sent -> {
                    done[0] = start + sent;
                    bar.update(done[0], name);
                });
                done[0] = start + units;
                bar.update(done[0], name);
                if (interactive && done[0] < total) {
                    out.println(); // end the bar's line before the run's
                }
                out.println(outcome.line());
                switch (outcome.kind()) {
                    case SYNCED -> synced++;
                    case UP_TO_DATE -> upToDate++;
                    case SKIPPED -> skipped++;
                    case FAILED -> failures.add(dir + ": " + outcome.detail());
                }
            }
        } finally {
            services.values().forEach(MlflowService::close);
        }
        return new Report(synced, upToDate, skipped, failures);
    }

    private enum Kind { SYNCED, UP_TO_DATE, SKIPPED, FAILED }

    private record Outcome(Kind kind, String line, String detail) {}

    private Outcome syncRun(Path dir, MlflowService service, java.util.function.LongConsumer progress) {
        RunStore store = RunStore.open(dir);
        if (store.beingWritten()) {
            return new Outcome(Kind.SKIPPED, "skipped " + dir + ": a running process is writing it; sync it when it ends",
                    null);
        }
        Retrier retrier = new Retrier(settings.backoff(), f -> { }, settings.drainTimeout());
        Map<String, String> extra = store.record().extra();
        String runId = extra.get(RunReplica.EXTRA_RUN);
        try {
            if (RunReplica.SYNC_COMPLETE.equals(extra.get(RunReplica.EXTRA_SYNC)) && runId != null
                    && service.server().display().equals(extra.get(RunReplica.EXTRA_URI))) {
                Optional<MlflowRun> there = retrier.call(() -> service.getRun(runId));
                if (there.isPresent() && there.get().active()) {
                    return new Outcome(Kind.UP_TO_DATE, "up to date: " + dir + " -> "
                            + service.server().runPage(there.get().experimentId(), runId), null);
                }
            }
            RunReplica replica = new RunReplica(store, service, retrier, notices);
            RunReplica.Attached attached = replica.attach();
            List<MetricRow> missing = attached.missing();
            long already = attached.localRows() - missing.size();
            progress.accept(already);
            for (int from = 0; from < missing.size(); from += MlflowService.MAX_METRICS_PER_BATCH) {
                int to = Math.min(missing.size(), from + MlflowService.MAX_METRICS_PER_BATCH);
                replica.send(missing.subList(from, to));
                progress.accept(already + to);
            }
            replica.uploadArtifacts();
            replica.complete(store.record());
            String problem = replica.artifactsProblem().orElse(null);
            if (problem != null) {
                store.putExtras(Map.of(RunReplica.EXTRA_SYNC, RunReplica.SYNC_INCOMPLETE, RunReplica.EXTRA_NOTE,
                        "artifacts not stored: " + problem));
                return new Outcome(Kind.FAILED, "synced without artifacts: " + dir + " -> " + replica.page(), problem);
            }
            store.putExtras(Map.of(RunReplica.EXTRA_SYNC, RunReplica.SYNC_COMPLETE, RunReplica.EXTRA_NOTE, ""));
            String parent = replica.parentPending() ? " (its sweep's parent is not on the server)" : "";
            return new Outcome(Kind.SYNCED, "synced " + dir + " -> " + replica.page() + ": " + missing.size()
                    + " metric rows sent, " + already + " already there" + parent, null);
        } catch (Retrier.Stopped e) {
            MlflowFailure last = retrier.gaveUpOn();
            String why = "gave up after " + settings.drainTimeout().toSeconds() + " s of failures"
                    + (last == null ? "" : ": " + last.getMessage());
            return failed(store, dir, why);
        } catch (MlflowFailure | VaelabException | UncheckedIOException e) {
            return failed(store, dir, e.getMessage());
        }
    }

    private static Outcome failed(RunStore store, Path dir, String why) {
        store.putExtras(Map.of(RunReplica.EXTRA_SYNC, RunReplica.SYNC_INCOMPLETE, RunReplica.EXTRA_NOTE, why));
        return new Outcome(Kind.FAILED, "failed " + dir + ": " + why + " (run mlflow-sync again to continue)", why);
    }

    private String uri(Path run, Optional<String> cli) {
        Optional<String> yaml = configUri(run.resolve(RunStore.CONFIG_FILE));
        return TrackingUri.choose(cli, yaml, environment.trackingUri()).orElseThrow(() -> new VaelabException(
                "no MLflow server to sync to: pass --tracking-uri http://HOST:PORT or set MLFLOW_TRACKING_URI"));
    }

    private static Optional<String> configUri(Path config) {
        if (Files.isRegularFile(config)) {
            try {
                return Optional.ofNullable(ConfigLoader.parse(Files.readString(config), config.toString()).flatten()
                        .get("tracking.uri")).filter(u -> !u.isBlank() && !u.equals("null"));
            } catch (IOException | VaelabException e) {
                // an unreadable config fails later, with the run
            }
        }
        return Optional.empty();
    }

    private static long rows(Path run) {
        Path metrics = run.resolve(RunStore.METRICS_FILE);
        return Files.exists(metrics) ? MetricsCsv.read(metrics).size() : 0;
    }

    /** The run directories at {@code path}: itself when it is one, else its subdirectories that are, sweep parents first. */
    static List<Path> runDirectories(Path path) {
        if (Files.isRegularFile(path.resolve(RunStore.RUN_FILE))) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new VaelabException(path + " does not exist; give results/<experiment> or results/<experiment>/<run>");
        }
        List<Path> runs;
        // runs sit directly in the experiment folder; a sweep's parent sits one level deeper (sweep/parent)
        try (Stream<Path> found = Files.walk(path, 2)) {
            runs = found.filter(p -> !p.equals(path) && !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve(RunStore.RUN_FILE)))
                    .filter(p -> p.getParent().equals(path) || !Files.isRegularFile(p.getParent().resolve(RunStore.RUN_FILE)))
                    .sorted(Comparator.comparing((Path p) -> !isSweepParent(p)).thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new VaelabException("cannot list " + path + ": " + e.getMessage(), e);
        }
        if (runs.isEmpty()) {
            throw new VaelabException("no runs in " + path + ": give results/<experiment> or results/<experiment>/<run>");
        }
        return runs;
    }

    private static boolean isSweepParent(Path run) {
        try {
            return "sweep".equals(RunStore.open(run).record().extra().get(RunTags.EXTRA_PREFIX + RunTags.ROLE));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
