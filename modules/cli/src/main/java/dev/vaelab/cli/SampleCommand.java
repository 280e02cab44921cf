package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.export.DecoderFile;
import dev.vaelab.export.Labels;
import dev.vaelab.export.LatentsCsv;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.NpyImages;
import dev.vaelab.export.SampleGrids;
import dev.vaelab.tracking.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vaelab sample --decoder decoder.onnx --out grid.png}: a grid of the decoder's means, from
 * the file and its metadata alone. By default the codes are the run's own prior draws (its seed,
 * read from the config in the metadata), so 64 samples reproduce the run's {@code samples} grid;
 * {@code --latents} decodes codes written by {@code vaelab encode} instead. Codes are decoded
 * {@code --batch-size} at a time; {@code --out FILE.npy} streams the images to disk, so its N is
 * bounded by the disk, not the heap, while a PNG grid is held whole and so bounded in pixels.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw a grid of samples (or decode given codes) with an exported decoder.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--decoder", required = true, paramLabel = "FILE", description = "an exported decoder.onnx")
    Path decoder;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "a PNG grid (at most " + SampleGrids.MAX_GRID_PIXELS + " pixels), or FILE.npy: uint8 [N, C, H, W], streamed, for any N")
    Path out;

    @Option(names = "--n", paramLabel = "N", defaultValue = "64", description = "samples from the prior (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--label", paramLabel = "K",
            description = "conditional models: the class of every sample, by index or name (default: row r takes class r mod K, as the run's grid)")
    String label;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the prior draws (default: the run's, from vaelab.config)")
    Long seed;

    @Option(names = "--latents", paramLabel = "CSV",
            description = "decode these codes (the mu_* or z_* columns, and label, of vaelab encode's output) instead of prior draws")
    Path latents;

    @Option(names = "--cols", paramLabel = "C", description = "grid columns (default: ceil(sqrt(N)), 8 for 64)")
    Integer columns;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "1024", description = "codes decoded at a time (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "ONNX Runtime threads (default: every core)")
    int threads;

    @Override
    public Integer call() {
        try (CommandStop stop = CommandStop.ofProcess(); DecoderFile file = DecoderFile.open(decoder, threads)) {
            String unwritten = "nothing was written to " + out;
            ModelCard card = file.card();
            if (batchSize < 1) {
                throw new VaelabException("--batch-size must be at least 1, got " + batchSize);
            }
            boolean npy = out.getFileName() != null && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
            Codes codes;
            if (latents != null) {
                if (seed != null) {
                    throw new VaelabException("--seed draws codes from the prior; it does not apply with --latents");
                }
                LatentsCsv.Codes read = LatentsCsv.read(latents, card.latentDim());
                codes = new Codes(read.count(), read.labels(), (from, n) -> Arrays.copyOfRange(read.z(),
                        from * card.latentDim(), (from + n) * card.latentDim()));
            } else {
                if (count < 1) {
                    throw new VaelabException("--n must be at least 1, got " + count);
                }
                // drawn in order a batch at a time: the same codes as drawing all N at once
                SplittableRandom prior = SampleGrids.priorStream(seed != null ? seed : card.seed());
                codes = new Codes(count, Optional.empty(), (from, n) -> {
                    float[] z = new float[n * card.latentDim()];
                    RandomStreams.fillGaussian(prior, z);
                    return z;
                });
            }
            int n = codes.count();
            int cols = columns != null ? columns : npy ? SampleGrids.RUN_COLUMNS : SampleGrids.columns(n);
            if (cols < 1) {
                throw new VaelabException("--cols must be at least 1, got " + cols);
            }
            Labeller labels = labeller(card, codes, cols);
            String what = latents != null ? n + " codes from " + latents : "--n " + n + " samples";
            if (npy) {
                int batch = Math.min(batchSize, n);
                HeapBudget.ofThisJvm().require("--batch-size " + batch + " codes at a time", batch, bytesPerStreamedSample(card), "--batch-size");
                requireDiskSpace(NpyImages.header(n, card).length + (long) n * card.imageSize());
                AtomicFiles.write(out, stream -> {
                    stream.write(NpyImages.header(n, card));
                    for (int from = 0; from < n; from += batch) {
                        stop.check(unwritten);
                        int size = Math.min(batch, n - from);
                        float[] mean = file.mean(codes.batch().apply(from, size), size, labels.of(from, size), labels.option());
                        NpyImages.writeImages(stream, mean, size, card);
                    }
                });
            } else {
                long pixels = SampleGrids.gridPixels(n, cols, card);
                if (pixels > SampleGrids.MAX_GRID_PIXELS) {
                    throw new VaelabException(what + " in " + cols + " columns make a grid of " + pixels
                            + " pixels, more than the " + SampleGrids.MAX_GRID_PIXELS + " a PNG grid may have; use a smaller --n"
                            + " (or --latents file), or --out FILE.npy, which streams any number of images");
                }
                HeapBudget.ofThisJvm().require(what, n, bytesPerSample(card), latents != null ? "fewer rows in --latents" : "--n");
                float[] mean = new float[Math.multiplyExact(n, card.imageSize())];
                for (int from = 0; from < n; from += batchSize) {
                    stop.check(unwritten);
                    int size = Math.min(batchSize, n - from);
                    float[] part = file.mean(codes.batch().apply(from, size), size, labels.of(from, size), labels.option());
                    System.arraycopy(part, 0, mean, from * card.imageSize(), part.length);
                }
                stop.check(unwritten);
                AtomicFiles.write(out, SampleGrids.png(mean, n, card, cols));
            }
            System.out.printf("wrote %s: %d %s of %s (%s, %d latent dimensions)%n", out, n,
                    latents != null ? "decoded codes" : "samples", decoder, card.modelType(), card.latentDim());
        }
        return 0;
    }

    /** N codes, handed out a batch at a time ({@code batch.apply(from, count)} gives [count, L]), and their labels if read with them. */
    private record Codes(int count, Optional<int[]> labels, BiFunction<Integer, Integer, float[]> batch) {
    }

    /** Each sample's class, a batch at a time, and the option that set it (for messages). */
    private record Labeller(IntUnaryOperator label, boolean conditional, String option) {
        Optional<int[]> of(int from, int count) {
            if (!conditional) {
                return Optional.empty();
            }
            return Optional.of(IntStream.range(from, from + count).map(label).toArray());
        }
    }

    private Labeller labeller(ModelCard card, Codes codes, int cols) {
        if (label != null) {
            int fixed = Labels.parse(label, card);
            return new Labeller(i -> fixed, true, "--label");
        }
        if (codes.labels().isPresent() && card.conditional()) {
            int[] read = codes.labels().get();
            return new Labeller(i -> read[i], true, "the label column of --latents");
        }
        // row r (of cols samples) takes class r mod K, as in the run's sample grid
        return new Labeller(i -> (i / cols) % Math.max(1, card.numClasses()), card.conditional(), "--label");
    }

    /** Refuses a file that cannot fit the free space of its disk before decoding anything. */
    private void requireDiskSpace(long bytes) {
        Path existing = out.toAbsolutePath().getParent();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        try {
            long free = Files.getFileStore(existing).getUsableSpace();
            if (bytes > free) {
                throw new VaelabException(String.format(Locale.ROOT, "%s would be %d MB, more than the %d MB free on the disk of %s;"
                        + " use a smaller --n or another --out", out, (bytes >> 20) + 1, free >> 20, existing));
            }
        } catch (IOException e) {
            // the write itself reports a disk it cannot use
        }
    }

    /** Heap bytes per sample of a streamed batch: its code, its mean as floats and its labels. */
    static long bytesPerStreamedSample(ModelCard card) {
        long pixels = (long) card.channels() * card.height() * card.width();
        return 4L * card.latentDim() + 4 * pixels + 8L * Math.max(1, card.numClasses());
    }

    /**
     * Heap bytes per sample: its code, its mean as floats, its tile of the grid image (ints, scaled
     * and padded) and that tile again in the PNG's scanlines.
     */
    static long bytesPerSample(ModelCard card) {
        long pixels = (long) card.channels() * card.height() * card.width();
        long tile = (long) (card.height() * SampleGrids.SCALE + 2) * (card.width() * SampleGrids.SCALE + 2);
        return 4L * card.latentDim() + 4 * pixels + 4 * tile + 4 * tile;
    }
}
