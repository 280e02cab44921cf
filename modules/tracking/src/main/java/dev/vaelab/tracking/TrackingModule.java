package dev.vaelab.tracking;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.vaelab.tracking.mlflow.MlflowSettings;
import dev.vaelab.tracking.mlflow.Notices;
import dev.vaelab.tracking.mlflow.TrackingEnvironment;
import dev.vaelab.tracking.mlflow.TrackingRunLoggerFactory;

/**
 * Binds tracking: the run loggers (local store, plus MLflow when a run has a tracking URI), MLflow
 * settings, the process environment credentials come from, and where notices go (standard output).
 */
public final class TrackingModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(RunLoggerFactory.class).to(TrackingRunLoggerFactory.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    MlflowSettings mlflowSettings() {
        return MlflowSettings.defaults();
    }

    @Provides
    @Singleton
    TrackingEnvironment environment() {
        return TrackingEnvironment.system();
    }

    @Provides
    @Singleton
    Notices notices() {
        return Notices.printingTo(System.out);
    }
}
