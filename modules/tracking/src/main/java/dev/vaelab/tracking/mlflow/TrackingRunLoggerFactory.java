package dev.vaelab.tracking.mlflow;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.tracking.LocalRunLogger;
import dev.vaelab.tracking.RunContext;
import dev.vaelab.tracking.RunLogger;
import dev.vaelab.tracking.RunLoggerFactory;
import dev.vaelab.tracking.RunStatus;
import dev.vaelab.tracking.RunStore;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens run loggers: always the local store, and an {@link MlflowRunLogger} when the run has a
 * tracking URI. Either way it first records in {@code run.json} the tags a later sync needs (see
 * {@link RunTags}) and marks the run's MLflow copy {@code pending}, so a run logged offline, or
 * changed since its last sync, is synced again. Without a tracking URI it says once how to see the
 * runs in MLflow.
 */
public final class TrackingRunLoggerFactory implements RunLoggerFactory {
    private final MlflowSettings settings;
    private final TrackingEnvironment environment;
    private final Notices notices;
    private final Clock clock;
    private final AtomicBoolean hinted = new AtomicBoolean();

    @Inject
    public TrackingRunLoggerFactory(MlflowSettings settings, TrackingEnvironment environment, Notices notices) {
        this(settings, environment, notices, Clock.systemUTC());
    }

    /** As the injected constructor, with the clock that stamps metric rows and grids. */
    public TrackingRunLoggerFactory(MlflowSettings settings, TrackingEnvironment environment, Notices notices,
                                    Clock clock) {
        this.settings = settings;
        this.environment = environment;
        this.notices = notices;
        this.clock = clock;
    }

    @Override
    public RunLogger open(RunContext context) {
        RunStore store = context.store();
        TrackingServer server = null;
        if (context.trackingUri().isPresent()) {
            try {
                server = TrackingServer.resolve(context.trackingUri().get(), environment.variables());
            } catch (VaelabException e) {
                store.setStatus(RunStatus.FAILED, e.getMessage());
                throw e;
            }
        }
        Map<String, String> extra = new LinkedHashMap<>(RunTags.toRecord(context, environment.user()));
        extra.put(RunReplica.EXTRA_SYNC, RunReplica.SYNC_PENDING);
        store.putExtras(extra);
        LocalRunLogger local = new LocalRunLogger(store, clock);
        if (server == null) {
            if (hinted.compareAndSet(false, true)) {
                notices.say("MLflow: no tracking URI (--tracking-uri, tracking.uri or MLFLOW_TRACKING_URI), so runs "
                        + "stay in " + store.directory().getParent().getParent() + "; to browse them in MLflow, start "
                        + "`mlflow server --port 5000` and run `vaelab mlflow-sync " + store.directory().getParent()
                        + " --tracking-uri http://127.0.0.1:5000`");
            }
            return local;
        }
        return MlflowRunLogger.start(local, server, settings, notices);
    }
}
