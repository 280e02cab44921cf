package dev.vaelab.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.vaelab.data.Catalog;
import dev.vaelab.data.Downloader;

/** Binds the services the commands share: the dataset catalog and the downloader. */
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
}
