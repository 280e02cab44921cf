package dev.vaelab.cli;

import dev.vaelab.core.error.VaelabException;
import dev.vaelab.export.DecoderFile;
import dev.vaelab.export.Labels;
import dev.vaelab.export.LatentsCsv;
import dev.vaelab.export.ModelCard;
import dev.vaelab.export.SampleGrids;
import dev.vaelab.tracking.AtomicFiles;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vaelab sample --decoder decoder.onnx --out grid.png}: a grid of the decoder's means, from
 * the file and its metadata alone. By default the codes are the run's own prior draws (its seed,
 * read from the config in the metadata), so 64 samples reproduce the run's {@code samples} grid;
 * {@code --latents} decodes codes written by {@code vaelab encode} instead.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw a grid of samples (or decode given codes) with an exported decoder.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--decoder", required = true, paramLabel = "FILE", description = "an exported decoder.onnx")
    Path decoder;

    @Option(names = "--out", required = true, paramLabel = "PNG", description = "the grid to write")
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

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "ONNX Runtime threads (default: every core)")
    int threads;

    @Override
    public Integer call() {
        try (DecoderFile file = DecoderFile.open(decoder, threads)) {
            ModelCard card = file.card();
            float[] z;
            int n;
            Optional<int[]> fromCsv = Optional.empty();
            if (latents != null) {
                if (seed != null) {
                    throw new VaelabException("--seed draws codes from the prior; it does not apply with --latents");
                }
                LatentsCsv.Codes codes = LatentsCsv.read(latents, card.latentDim());
                z = codes.z();
                n = codes.count();
                HeapBudget.ofThisJvm().require(n + " codes from " + latents, n, bytesPerSample(card), "fewer rows in --latents");
                fromCsv = codes.labels();
            } else {
                if (count < 1) {
                    throw new VaelabException("--n must be at least 1, got " + count);
                }
                n = count;
                HeapBudget.ofThisJvm().require("--n " + n + " samples", n, bytesPerSample(card), "--n");
                z = SampleGrids.priorDraws(seed != null ? seed : card.seed(), n, card.latentDim());
            }
            int cols = columns != null ? columns : SampleGrids.columns(n);
            if (cols < 1) {
                throw new VaelabException("--cols must be at least 1, got " + cols);
            }
            Optional<int[]> labels;
            String labelsOption;
            if (label != null) {
                labels = Optional.of(Labels.repeat(Labels.parse(label, card), n));
                labelsOption = "--label";
            } else if (fromCsv.isPresent() && card.conditional()) {
                labels = fromCsv;
                labelsOption = "the label column of --latents";
            } else {
                labels = card.conditional() ? Optional.of(SampleGrids.rowLabels(n, cols, card.numClasses())) : Optional.empty();
                labelsOption = "--label";
            }
            float[] mean = file.mean(z, n, labels, labelsOption);
            AtomicFiles.write(out, SampleGrids.png(mean, n, card, cols));
            System.out.printf("wrote %s: %d %s of %s (%s, %d latent dimensions)%n", out, n,
                    latents != null ? "decoded codes" : "samples", decoder, card.modelType(), card.latentDim());
        }
        return 0;
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
