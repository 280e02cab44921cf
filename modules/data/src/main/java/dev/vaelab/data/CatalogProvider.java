package dev.vaelab.data;

import dev.vaelab.core.config.ConfigMap;

/**
 * A dataset of the {@link Catalog} (MNIST, Fashion-MNIST, binarized MNIST): published IDX or amat
 * files, downloaded into the data root and read into memory by the {@link DatasetLoader}. They have no
 * keys of their own.
 */
final class CatalogProvider implements DatasetProvider {
    private final DatasetSpec spec;

    CatalogProvider(DatasetSpec spec) {
        this.spec = spec;
    }

    /** MNIST's 5000, the count their experiments and published numbers were made with. */
    static final ValidationSize DEFAULT_VALIDATION = new ValidationSize.Count(5000);

    @Override
    public ValidationSize defaultValidation() {
        return DEFAULT_VALIDATION;
    }

    @Override
    public DatasetSource configure(ConfigMap data, DataSpec common) {
        return DatasetSource.of(spec.info(), context -> new DatasetLoader(context.dataRoot(), context.downloader()).load(spec, common.validation()));
    }
}
