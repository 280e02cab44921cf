package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.EvalBatches;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.ImageShape;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.tracking.ImageBatch;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.tracking.Png;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Draws the run's image grids with the current parameters, each from fixed draws so that the
 * grids of successive epochs show the model learning:
 * <ul>
 *   <li>{@code samples}: the decoder's mean for 64 draws from the prior (a conditional model: row r
 *       takes label r);
 *   <li>{@code reconstructions}: fixed inputs, each row of inputs above its row of reconstructions
 *       from the posterior mean;
 *   <li>{@code traversals}: latent dimensions one per row, each swept from -3 to 3 around a fixed
 *       input's posterior mean, the others held; by default the {@value #TRAVERSAL_DIMS} most
 *       informative by validation KL ({@link #klOrder}), or the rows a caller orders itself (such as
 *       every latent by its MIG contribution on a dataset with factors);
 *   <li>{@code classes} (conditional models): one row per label, one shared prior draw per column;
 *   <li>{@code analogies} (conditional models): real images in the first column, their posterior
 *       mean decoded with every label across the row.
 * </ul>
 * Images of any C x H x W are drawn; three channels as RGB, one as grey.
 */
public final class GridRenderer implements AutoCloseable {
    private static final int SAMPLE_ROWS = 8;
    private static final int SAMPLE_COLS = 8;
    private static final int RECON_ROWS = 4;
    private static final int RECON_COLS = 8;
    private static final int TRAVERSAL_DIMS = 10;
    private static final int TRAVERSAL_STEPS = 11;
    private static final int CLASS_COLUMNS = 10;
    private static final int ANALOGY_ROWS = 8;

    private final LatentEncoder encoder;
    private final LatentDecoder decoder;
    private final ImageShape shape;
    private final int latent;
    private final int numClasses;
    private final boolean conditional;
    private final float[] priorZ;
    private final ImageGrid grid = ImageGrid.standard(2);

    public GridRenderer(OrtEngine engine, VaeGraphs graphs, ImageShape shape, int numClasses, RandomStreams streams) {
        this.encoder = new LatentEncoder(engine, graphs);
        this.decoder = new LatentDecoder(engine, graphs, numClasses);
        this.shape = shape;
        this.latent = graphs.model().latentDim();
        this.numClasses = numClasses;
        this.conditional = graphs.model().conditional();
        this.priorZ = new float[SAMPLE_ROWS * SAMPLE_COLS * latent];
        RandomStreams.fillGaussian(streams.stream("grid-samples"), priorZ);
    }

    /** The grids to draw this epoch, by kind (the file name's prefix); traversal rows by {@link #klOrder}. */
    public Map<String, byte[]> render(Map<String, OnnxTensor> parameters, ImageSet images, double[] klPerDim) {
        return render(parameters, images, klOrder(klPerDim, latent));
    }

    /**
     * The grids to draw this epoch, by kind (the file name's prefix), with one traversal row per
     * latent dimension of {@code traversalRows}, in that order.
     */
    public Map<String, byte[]> render(Map<String, OnnxTensor> parameters, ImageSet images, int[] traversalRows) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("samples", samples(parameters));
        out.put("reconstructions", reconstructions(parameters, images));
        out.put("traversals", traversals(parameters, images, traversalRows));
        if (conditional) {
            out.put("classes", classes(parameters));
            out.put("analogies", analogies(parameters, images));
        }
        return out;
    }

    /** PNG of the decoder's mean for fixed draws from the prior. */
    public byte[] samples(Map<String, OnnxTensor> parameters) {
        int n = SAMPLE_ROWS * SAMPLE_COLS;
        int[] labels = IntStream.range(0, n).map(i -> (i / SAMPLE_COLS) % Math.max(1, numClasses)).toArray();
        return tiles(decoder.decode(priorZ, labels, n, parameters), n, SAMPLE_ROWS, SAMPLE_COLS);
    }

    /** PNG of the first images of {@code images} above their reconstructions. */
    public byte[] reconstructions(Map<String, OnnxTensor> parameters, ImageSet images) {
        int n = Math.min(RECON_ROWS * RECON_COLS, images.count());
        float[] mu = encoder.means(images, n, parameters);
        float[] recon = decoder.decode(mu, labels(images, n), n, parameters);
        int rows = (n + RECON_COLS - 1) / RECON_COLS;
        return Png.encode(grid.pairs(batch(pixels(images, n), n), batch(recon, n), rows, Math.min(n, RECON_COLS)));
    }

    /**
     * The default traversal rows: the {@value #TRAVERSAL_DIMS} (at most {@code latent}) dimensions
     * of largest KL, ties and a missing KL ({@code null}, before the first validation) by index.
     */
    public static int[] klOrder(double[] klPerDim, int latent) {
        return IntStream.range(0, latent).boxed()
                .sorted(Comparator.comparingDouble((Integer d) -> klPerDim == null ? 0 : -klPerDim[d]).thenComparing(d -> d))
                .limit(TRAVERSAL_DIMS).mapToInt(Integer::intValue).toArray();
    }

    /**
     * PNG of latent traversals around the first image's posterior mean: row r sweeps dimension
     * {@code rows[r]}.
     *
     * @throws IllegalArgumentException when {@code rows} is empty or names a dimension outside [0, L)
     */
    public byte[] traversals(Map<String, OnnxTensor> parameters, ImageSet images, int[] rows) {
        if (rows.length == 0 || Arrays.stream(rows).anyMatch(d -> d < 0 || d >= latent)) {
            throw new IllegalArgumentException("traversal rows must be latent dimensions in [0, " + latent + "), got "
                    + Arrays.toString(rows));
        }
        int dims = rows.length;
        float[] base = encoder.means(images, 1, parameters);
        int label = conditional ? images.label(0) : 0;
        int n = dims * TRAVERSAL_STEPS;
        float[] z = new float[n * latent];
        int[] labels = new int[n];
        for (int r = 0; r < dims; r++) {
            for (int c = 0; c < TRAVERSAL_STEPS; c++) {
                int row = r * TRAVERSAL_STEPS + c;
                System.arraycopy(base, 0, z, row * latent, latent);
                z[row * latent + rows[r]] = -3f + 6f * c / (TRAVERSAL_STEPS - 1);
                labels[row] = label;
            }
        }
        return tiles(decoder.decode(z, labels, n, parameters), n, dims, TRAVERSAL_STEPS);
    }

    /** PNG with one row per label and one shared prior draw per column. */
    public byte[] classes(Map<String, OnnxTensor> parameters) {
        int n = numClasses * CLASS_COLUMNS;
        return tiles(classImages(parameters, new int[n]), n, numClasses, CLASS_COLUMNS);
    }

    /** The decoded class grid's images and their row labels, for measuring how recognisable they are. */
    float[] classImages(Map<String, OnnxTensor> parameters, int[] labelsOut) {
        int n = numClasses * CLASS_COLUMNS;
        float[] z = new float[n * latent];
        for (int r = 0; r < numClasses; r++) {
            for (int c = 0; c < CLASS_COLUMNS; c++) {
                System.arraycopy(priorZ, c * latent, z, (r * CLASS_COLUMNS + c) * latent, latent);
                labelsOut[r * CLASS_COLUMNS + c] = r;
            }
        }
        return decoder.decode(z, labelsOut, n, parameters);
    }

    /** Columns of a class grid: how many images {@link #classImages} returns per label. */
    static int classColumns() {
        return CLASS_COLUMNS;
    }

    /** PNG: real images first, then each one's style (posterior mean) decoded with every label. */
    public byte[] analogies(Map<String, OnnxTensor> parameters, ImageSet images) {
        int rows = Math.min(ANALOGY_ROWS, images.count());
        float[] mu = encoder.means(images, rows, parameters);
        float[] real = pixels(images, rows);
        int cols = numClasses + 1;
        int d = shape.size();
        float[] z = new float[rows * numClasses * latent];
        int[] labels = new int[rows * numClasses];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < numClasses; k++) {
                System.arraycopy(mu, r * latent, z, (r * numClasses + k) * latent, latent);
                labels[r * numClasses + k] = k;
            }
        }
        float[] decoded = decoder.decode(z, labels, rows * numClasses, parameters);
        float[] all = new float[rows * cols * d];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(real, r * d, all, (r * cols) * d, d);
            System.arraycopy(decoded, r * numClasses * d, all, (r * cols + 1) * d, numClasses * d);
        }
        return tiles(all, rows * cols, rows, cols);
    }

    private byte[] tiles(float[] pixels, int n, int rows, int cols) {
        return Png.encode(grid.tiles(batch(pixels, n), rows, cols));
    }

    private float[] pixels(ImageSet images, int n) {
        FloatBuffer x = OrtEngine.directFloats((long) n * shape.size());
        new EvalBatches(images, n).fillImages(x, 0, 1);
        float[] out = new float[n * shape.size()];
        x.get(0, out);
        return out;
    }

    private int[] labels(ImageSet images, int n) {
        return images.hasLabels() ? IntStream.range(0, n).map(images::label).toArray() : new int[n];
    }

    private ImageBatch batch(float[] pixels, int n) {
        return new ImageBatch(pixels, n, shape.channels(), shape.height(), shape.width());
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
    }
}
