package dev.vaelab.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.vaelab.sweep.ChildJvm;

/** Tells the sweep's local launcher how to start this command line in a child JVM. */
final class SweepCliModule extends AbstractModule {
    @Provides
    ChildJvm childJvm() {
        return ChildJvm.current(Main.class.getName());
    }
}
