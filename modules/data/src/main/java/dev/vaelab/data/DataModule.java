package dev.vaelab.data;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.ProvidesIntoMap;
import com.google.inject.multibindings.StringMapKey;
import dev.vaelab.data.cifar.Cifar10Provider;
import dev.vaelab.data.folder.ImageFolderProvider;
import dev.vaelab.data.numpy.DspritesProvider;
import dev.vaelab.data.numpy.NumpyProvider;
import dev.vaelab.data.sprites.SpritesProvider;

/**
 * Binds the built-in datasets by their {@code data.dataset} names, and the catalog of published
 * MNIST-family files (tests override it with local files). A plugin adds a dataset with
 * {@code MapBinder.newMapBinder(binder(), String.class, DatasetProvider.class).addBinding("name").to(...)}.
 */
public final class DataModule extends AbstractModule {
    @Override
    protected void configure() {
        MapBinder<String, DatasetProvider> datasets = MapBinder.newMapBinder(binder(), String.class, DatasetProvider.class);
        datasets.addBinding(SpritesProvider.NAME).to(SpritesProvider.class);
        datasets.addBinding(NumpyProvider.NAME).to(NumpyProvider.class);
        datasets.addBinding(DspritesProvider.NAME).to(DspritesProvider.class);
        datasets.addBinding(Cifar10Provider.NAME).to(Cifar10Provider.class);
        datasets.addBinding(ImageFolderProvider.NAME).to(ImageFolderProvider.class);
    }

    @Provides
    @Singleton
    Catalog catalog() {
        return new Catalog();
    }

    @ProvidesIntoMap
    @StringMapKey(Catalog.MNIST)
    DatasetProvider mnist(Catalog catalog) {
        return new CatalogProvider(catalog.get(Catalog.MNIST));
    }

    @ProvidesIntoMap
    @StringMapKey(Catalog.FASHION_MNIST)
    DatasetProvider fashionMnist(Catalog catalog) {
        return new CatalogProvider(catalog.get(Catalog.FASHION_MNIST));
    }

    @ProvidesIntoMap
    @StringMapKey(Catalog.BINARIZED_MNIST)
    DatasetProvider binarizedMnist(Catalog catalog) {
        return new CatalogProvider(catalog.get(Catalog.BINARIZED_MNIST));
    }
}
