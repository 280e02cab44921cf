package dev.vaelab.sweep;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;

/**
 * Binds the sweep launchers by name ({@code sweep.launcher}, {@code --launcher}): {@code local}
 * runs each run in a child JVM on this machine, {@code slurm} hands the sweep to Slurm as a job
 * array. Another scheduler adds its binding from a plugin module. The {@link ChildJvm} that runs
 * the command line is bound by the CLI.
 */
public final class SweepModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(RunStarter.class).to(ChildProcessStarter.class);
        MapBinder<String, SweepLauncher> launchers = MapBinder.newMapBinder(binder(), String.class, SweepLauncher.class);
        launchers.addBinding(LocalLauncher.NAME).to(LocalLauncher.class);
        launchers.addBinding(dev.vaelab.sweep.slurm.SlurmLauncher.NAME).to(dev.vaelab.sweep.slurm.SlurmLauncher.class);
    }
}
