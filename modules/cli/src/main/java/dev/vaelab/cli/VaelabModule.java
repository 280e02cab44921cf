package dev.vaelab.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.vaelab.data.Catalog;
import dev.vaelab.data.Downloader;
import dev.vaelab.tracking.RunLoggerFactory;

/** Binds the services the commands share: the dataset catalog, the downloader, the run loggers. */
final class VaelabModule extends AbstractModule {
    @Provides
    @Singleton
    Catalog catalog() {
        return new Catalog();
    }

    @Provides
    @Singleton
    Downloader downloader() {
        return Downloader.standard();
    }

    @Provides
    @Singleton
    RunLoggerFactory runLoggers() {
        return RunLoggerFactory.localOnly();
    }
}
