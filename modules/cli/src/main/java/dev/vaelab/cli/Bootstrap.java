package dev.vaelab.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.vaelab.data.DataModule;
import dev.vaelab.heads.HeadsModule;
import dev.vaelab.sweep.SweepModule;
import dev.vaelab.train.TrainModule;
import dev.vaelab.zoo.ZooModule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Builds the injector: our modules, then every {@code com.google.inject.Module} on the class path
 * registered with {@link ServiceLoader}, so a plugin jar adds a model, head or schedule to the
 * MapBinders without any change to vaelab.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    /** The injector, with {@code overrides} replacing bindings (tests use it for the data catalog). */
    public static Injector injector(Module... overrides) {
        List<Module> modules = new ArrayList<>(List.of(new VaelabModule(), new DataModule(), new ZooModule(), new HeadsModule(), new TrainModule(),
                new SweepModule(), new SweepCliModule()));
        ServiceLoader.load(Module.class).forEach(modules::add);
        return Guice.createInjector(com.google.inject.Stage.PRODUCTION,
                com.google.inject.util.Modules.override(modules).with(overrides));
    }
}
