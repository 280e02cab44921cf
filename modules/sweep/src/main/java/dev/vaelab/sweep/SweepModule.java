package dev.vaelab.sweep;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;

/**
 * Binds the sweep launchers by name ({@code sweep.launcher}, {@code --launcher}): {@code local}
 * runs each run in a child JVM on this machine. A cluster launcher adds its own binding here or
 * from a plugin module. The {@link ChildJvm} the local launcher starts is bound by the CLI.
 */
public final class SweepModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, Launcher> launchers = MapBinder.newMapBinder(binder(), String.class, Launcher.class);
        launchers.addBinding(LocalLauncher.NAME).to(LocalLauncher.class);
        launchers.addBinding(dev.vaelab.sweep.slurm.SlurmLauncher.NAME).to(dev.vaelab.sweep.slurm.SlurmLauncher.class);
    }
}
