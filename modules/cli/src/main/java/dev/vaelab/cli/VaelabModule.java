package dev.vaelab.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.vaelab.data.Downloader;
import dev.vaelab.tracking.TrackingModule;

/**
 * Binds the services the commands share: the downloader, and tracking (the run
 * loggers: the local store, and MLflow when a run has a tracking URI).
 */
final class VaelabModule extends AbstractModule {
    @Override
    protected void configure() {
        install(new TrackingModule());
    }

    @Provides
    @Singleton
    Downloader downloader() {
        return Downloader.standard();
    }
}
