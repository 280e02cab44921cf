package dev.vaelab.tracking.mlflow;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.RunStore;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tags each run of an ended sweep with how it placed, so that MLflow's run list shows and filters
 * the winner without opening the parent ({@code tags.vaelab.best = 'true'}): {@link RunTags#RANK}
 * ({@code 1} is the best by the sweep's metric) and {@link RunTags#BEST} ({@code true} on the best
 * run, {@code false} on every other, so a new winner of a resumed sweep replaces the old one).
 *
 * <p>Like every tag, they are written into the run's store ({@code run.json}'s {@code extra}), so a
 * sweep run offline gets them with {@code vaelab mlflow-sync}. A run already mirrored to the
 * sweep's server gets the tags that changed sent there at once, and nothing else, and stays as
 * complete as it was; where that fails it is left pending, for {@code vaelab mlflow-sync} to send them. Tagging again with the same ranks
 * changes and sends nothing.
 */
public final class SweepRanks {
    /** A run whose tags changed, already mirrored to a server; {@code complete} when that copy was complete. */
    private record Mirrored(RunStore store, boolean complete) {}

    private final MlflowSettings settings;
    private final TrackingEnvironment environment;
    private final Notices notices;

    @Inject
    public SweepRanks(MlflowSettings settings, TrackingEnvironment environment, Notices notices) {
        this.settings = settings;
        this.environment = environment;
        this.notices = notices;
    }

    /**
     * Tags the sweep's runs and sends the tags to the runs already on the server.
     *
     * @param byRank the run directories of the runs that have the sweep's metric, best first
     * @param unranked the run directories of the others (failed, killed): {@code vaelab.best=false}, no rank
     * @param trackingUri the sweep's tracking URI, if it has one
     */
    public void tag(List<Path> byRank, List<Path> unranked, Optional<String> trackingUri) {
        List<Mirrored> mirrored = new ArrayList<>();
        for (int i = 0; i < byRank.size(); i++) {
            record(byRank.get(i), Map.of(RunTags.RANK, Integer.toString(i + 1), RunTags.BEST, Boolean.toString(i == 0)))
                    .ifPresent(mirrored::add);
        }
        for (Path run : unranked) {
            record(run, Map.of(RunTags.BEST, "false")).ifPresent(mirrored::add);
        }
        if (trackingUri.isPresent() && !mirrored.isEmpty()) {
            send(mirrored, trackingUri.get());
        }
    }

    /**
     * Writes {@code tags} into the run's store where they differ from what it holds; returns the
     * store when it changed and was mirrored to a server before (a complete copy is marked pending
     * until the tags are sent; an incomplete one stays so, for mlflow-sync to finish).
     */
    private static Optional<Mirrored> record(Path run, Map<String, String> tags) {
        if (!Files.isRegularFile(run.resolve(RunStore.RUN_FILE))) {
            return Optional.empty(); // a run that never started
        }
        RunStore store = RunStore.open(run);
        Map<String, String> extra = store.record().extra();
        Map<String, String> fields = new LinkedHashMap<>();
        tags.forEach((k, v) -> {
            if (!v.equals(extra.get(RunTags.EXTRA_PREFIX + k))) {
                fields.put(RunTags.EXTRA_PREFIX + k, v);
            }
        });
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        boolean complete = RunReplica.SYNC_COMPLETE.equals(extra.get(RunReplica.EXTRA_SYNC));
        if (complete) {
            fields.put(RunReplica.EXTRA_SYNC, RunReplica.SYNC_PENDING);
        }
        store.putExtras(fields);
        return extra.containsKey(RunReplica.EXTRA_RUN) ? Optional.of(new Mirrored(store, complete)) : Optional.empty();
    }

    /** Sends the changed tags of {@code runs} to {@code uri}; stops at the first failure, leaving the rest pending. */
    private void send(List<Mirrored> runs, String uri) {
        TrackingServer server;
        try {
            server = TrackingServer.resolve(uri, environment.variables());
        } catch (VaelabException e) {
            notices.say("MLflow: the sweep's ranks were not sent: " + e.getMessage());
            return;
        }
        try (MlflowService service = new MlflowService(server, settings)) {
            for (Mirrored run : runs) {
                RunStore store = run.store();
                // a server that takes no connection is not waited for: mlflow-sync sends the tags later
                Retrier[] retrier = new Retrier[1];
                retrier[0] = new Retrier(settings.backoff(), f -> {
                    if (f.unreachable()) {
                        retrier[0].stop();
                    }
                }, settings.drainTimeout());
                try {
                    if (new RunReplica(store, service, retrier[0], notices).retag() && run.complete()) {
                        store.putExtra(RunReplica.EXTRA_SYNC, RunReplica.SYNC_COMPLETE);
                    }
                } catch (Retrier.Stopped | MlflowFailure e) {
                    String why = e instanceof MlflowFailure f ? f.getMessage() : retrier[0].latestFailure();
                    notices.say("MLflow: the sweep's ranks did not reach " + server.display() + " (" + why + "); `vaelab "
                            + "mlflow-sync " + store.directory().getParent() + "` sends them");
                    return;
                }
            }
        }
    }
}
