package dev.vaelab.train;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.vaelab.core.stop.ProcessStop;
import dev.vaelab.core.stop.StopRequest;
import dev.vaelab.train.optim.AdamFactory;
import dev.vaelab.train.optim.OptimizerFactory;
import dev.vaelab.train.optim.SgdFactory;

/**
 * Binds the optimizers by their YAML {@code train.optimizer.type}, and the training listeners
 * (each run gets fresh instances; they run in their {@link TrainingListener#order()}), and the
 * process's stop, which the signals reach while a run trains.
 */
public final class TrainModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, OptimizerFactory> optimizers = MapBinder.newMapBinder(binder(), String.class, OptimizerFactory.class);
        optimizers.addBinding(AdamFactory.TYPE).to(AdamFactory.class);
        optimizers.addBinding(SgdFactory.TYPE).to(SgdFactory.class);
        Multibinder<TrainingListener> listeners = Multibinder.newSetBinder(binder(), TrainingListener.class);
        listeners.addBinding().to(DivergenceGuard.class);
        listeners.addBinding().to(MetricWindow.class);
        listeners.addBinding().to(ValidationListener.class);
        listeners.addBinding().to(TestMetricsListener.class);
        listeners.addBinding().to(DisentanglementListener.class);
        listeners.addBinding().to(ProbeListener.class);
        listeners.addBinding().to(ReportListener.class);
        listeners.addBinding().to(ProgressListener.class);
        listeners.addBinding().to(GridListener.class);
        listeners.addBinding().to(CheckpointListener.class);
        bind(ProcessStop.class).toInstance(ProcessStop.process());
        bind(StopRequest.class).toInstance(ProcessStop.process());
    }
}
