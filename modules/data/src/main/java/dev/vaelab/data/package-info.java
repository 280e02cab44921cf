/**
 * Datasets for vaelab: which ones exist, where they live, how they are downloaded, verified or
 * rendered, and how they become training batches.
 *
 * <p>The path from a name to a batch:
 *
 * <ol>
 *   <li>{@link dev.vaelab.data.DatasetRegistry} reads the {@code data:} section: the common keys
 *       ({@link dev.vaelab.data.DataSpec}), then {@code data.dataset} picks a
 *       {@link dev.vaelab.data.DatasetProvider} from the Guice {@code MapBinder} of
 *       {@link dev.vaelab.data.DataModule} (plugins add their own), which reads its own keys and
 *       returns a {@link dev.vaelab.data.DatasetSource} that describes the dataset
 *       ({@link dev.vaelab.data.DatasetInfo}: shape, labels, {@link dev.vaelab.data.Factor}s) before
 *       anything is loaded.
 *   <li>Loading gets a {@link dev.vaelab.data.LoadContext}: the {@link dev.vaelab.data.DataRoot}
 *       ({@code --data-dir}, {@code VAELAB_DATA} or the user's cache), the
 *       {@link dev.vaelab.data.Downloader}, the {@link dev.vaelab.data.DatasetCache} and the run's
 *       random streams. The MNIST family ({@link dev.vaelab.data.Catalog},
 *       {@link dev.vaelab.data.DatasetLoader}) is read into memory; larger sets are written once into
 *       an {@link dev.vaelab.data.ImageStore} in the cache and read from there image by image.
 *       {@link dev.vaelab.data.Splits} cuts validation and seeded test splits as views.
 *   <li>{@link dev.vaelab.data.Binarizer} applies the run's {@link dev.vaelab.data.Binarization}.
 *   <li>{@link dev.vaelab.data.BatchPlanner} gives each epoch's {@link dev.vaelab.data.EpochPlan},
 *       which fills buffers with chunks of shuffled batches; {@link dev.vaelab.data.EvalBatches}
 *       does the same in order for evaluation. Both read one image at a time from the heap or the map.
 * </ol>
 *
 * Every problem a user can fix (a missing, truncated or corrupt file, an unreachable mirror, a
 * validation size that does not fit, a damaged cache) is a {@link dev.vaelab.core.error.DataException}
 * or a config error whose message names the file or key and says what to do.
 */
package dev.vaelab.data;
