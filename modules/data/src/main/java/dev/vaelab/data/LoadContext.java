package dev.vaelab.data;

import dev.vaelab.core.random.RandomStreams;
import java.util.Objects;

/**
 * What a {@link DatasetSource} may use while loading.
 *
 * @param dataRoot where downloaded and user-provided files live ({@code --data-dir}, {@code VAELAB_DATA})
 * @param downloader fetches published files and verifies their checksums
 * @param cache the decoded-image stores, written once and reused by later runs
 * @param streams the run's random streams (seeded splits and subsets use named streams of it)
 */
public record LoadContext(DataRoot dataRoot, Downloader downloader, DatasetCache cache, RandomStreams streams) {
    public LoadContext {
        Objects.requireNonNull(dataRoot, "dataRoot");
        Objects.requireNonNull(downloader, "downloader");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(streams, "streams");
    }
}
