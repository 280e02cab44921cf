package dev.vaelab.cli.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.vaelab.heads.HeadFactory;

/**
 * A plugin's Guice module: adds one head to vaelab's {@code MapBinder<String, HeadFactory>}.
 * Listed in {@code META-INF/services/com.google.inject.Module} of the test resources, so
 * {@code Bootstrap} finds it with {@code ServiceLoader}, as it would in a plugin jar.
 */
public final class LogisticHeadModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder.newMapBinder(binder(), String.class, HeadFactory.class)
                .addBinding(LogisticHead.TYPE).to(LogisticHead.Factory.class);
    }
}
