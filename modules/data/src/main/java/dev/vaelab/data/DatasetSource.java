package dev.vaelab.data;

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
}
