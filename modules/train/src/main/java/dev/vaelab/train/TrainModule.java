package dev.vaelab.train;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.vaelab.train.optim.AdamFactory;
import dev.vaelab.train.optim.OptimizerFactory;
import dev.vaelab.train.optim.SgdFactory;

/** Binds the optimizers by their YAML {@code train.optimizer.type}. */
public final class TrainModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, OptimizerFactory> optimizers = MapBinder.newMapBinder(binder(), String.class, OptimizerFactory.class);
        optimizers.addBinding(AdamFactory.TYPE).to(AdamFactory.class);
        optimizers.addBinding(SgdFactory.TYPE).to(SgdFactory.class);
    }
}
