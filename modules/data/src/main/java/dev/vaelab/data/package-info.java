/**
 * Datasets for vaelab: where they live, how they are downloaded and verified, and how they become
 * training batches.
 *
 * <p>The path from a name to a batch:
 *
 * <ol>
 *   <li>{@link dev.vaelab.data.Catalog} names the datasets ({@code mnist}, {@code fashion-mnist},
 *       {@code binarized-mnist}) as {@link dev.vaelab.data.DatasetSpec} records: files with their
 *       published checksums, image shape, label names, mirrors.
 *   <li>{@link dev.vaelab.data.DataRoot} says where the files are ({@code --data-dir},
 *       {@code VAELAB_DATA} or the user's cache).
 *   <li>{@link dev.vaelab.data.DatasetLoader} downloads missing files with the
 *       {@link dev.vaelab.data.Downloader}, reads each one while verifying its checksum, and returns a
 *       {@link dev.vaelab.data.Dataset} of immutable uint8 {@link dev.vaelab.data.ImageSet}s.
 *   <li>{@link dev.vaelab.data.Binarizer} applies the run's {@link dev.vaelab.data.Binarization}.
 *   <li>{@link dev.vaelab.data.BatchPlanner} gives each epoch's {@link dev.vaelab.data.EpochPlan},
 *       which fills float buffers with chunks of shuffled batches; {@link dev.vaelab.data.EvalBatches}
 *       does the same in order for evaluation.
 * </ol>
 *
 * Every problem a user can fix (a missing, truncated or corrupt file, an unreachable mirror, a
 * validation size that does not fit) is a {@link dev.vaelab.core.error.DataException} whose message
 * names the file and says what to do.
 */
package dev.vaelab.data;
