package dev.vaelab.data;

import java.util.function.Function;

/** A dataset as configured by its {@link DatasetProvider}: it describes itself and loads. */
public interface DatasetSource {
    /** The shape, labels and factors, known without reading any pixel. */
    DatasetInfo info();

    /**
     * Loads the splits with their pixels as published ({@link Binarization#NONE}) and the validation
     * images the common {@code data.validation} asked for held out. Sets larger than memory are written
     * into {@link LoadContext#cache()} once and read from there.
     */
    Dataset load(LoadContext context);

    /** A source that describes itself with {@code info} and loads with {@code loader}. */
    static DatasetSource of(DatasetInfo info, Function<LoadContext, Dataset> loader) {
        return new DatasetSource() {
            @Override
            public DatasetInfo info() {
                return info;
            }

            @Override
            public Dataset load(LoadContext context) {
                return loader.apply(context);
            }
        };
    }
}
