package dev.vaelab.heads;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;

/** Binds the built-in likelihood heads by their YAML {@code likelihood.type}. */
public final class HeadsModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, HeadFactory> heads = MapBinder.newMapBinder(binder(), String.class, HeadFactory.class);
        heads.addBinding(BernoulliHead.TYPE).to(BernoulliHead.Factory.class);
        heads.addBinding(GaussianHead.TYPE).to(GaussianHead.Factory.class);
        heads.addBinding(LaplaceHead.TYPE).to(LaplaceHead.Factory.class);
        heads.addBinding(ContinuousBernoulliHead.TYPE).to(ContinuousBernoulliHead.Factory.class);
        heads.addBinding(CategoricalHead.TYPE).to(CategoricalHead.Factory.class);
    }
}
