package dev.vaelab.train;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.data.EvalBatches;
import dev.vaelab.data.ImageSet;
import dev.vaelab.data.ImageShape;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import dev.vaelab.onnx.runtime.OrtEngine;
import dev.vaelab.tracking.ImageBatch;
import dev.vaelab.tracking.ImageGrid;
import dev.vaelab.tracking.Png;
import dev.vaelab.zoo.objective.VaeGraphs;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Draws the run's image grids with the current parameters: prior samples (the same z at every
 * epoch, so the grids show the model learning) and reconstructions (fixed inputs, each row of
 * inputs above its row of reconstructions from the posterior mean).
 */
public final class GridRenderer implements AutoCloseable {
    private static final int SAMPLE_ROWS = 8;
    private static final int SAMPLE_COLS = 8;
    private static final int RECON_ROWS = 4;
    private static final int RECON_COLS = 8;

    private final OrtEngine engine;
    private final OrtSession encoder;
    private final OrtSession decoder;
    private final ImageShape shape;
    private final int latent;
    private final float[] priorZ;
    private final ImageGrid grid = ImageGrid.standard(2);

    public GridRenderer(OrtEngine engine, VaeGraphs graphs, ImageShape shape, RandomStreams streams) {
        this.engine = engine;
        this.encoder = engine.session(OnnxModelWriter.toBytes(graphs.encoderGraph(), OnnxModelWriter.Options.named("enc")));
        this.decoder = engine.session(OnnxModelWriter.toBytes(graphs.decoderGraph(), OnnxModelWriter.Options.named("dec")));
        this.shape = shape;
        this.latent = graphs.model().latentDim();
        this.priorZ = new float[SAMPLE_ROWS * SAMPLE_COLS * latent];
        RandomStreams.fillGaussian(streams.stream("grid-samples"), priorZ);
    }

    /** PNG of the decoder's mean for fixed draws from the prior. */
    public byte[] samples(Map<String, OnnxTensor> parameters) {
        int n = SAMPLE_ROWS * SAMPLE_COLS;
        float[] mean = decode(parameters, priorZ, n);
        return Png.encode(grid.tiles(batch(mean, n), SAMPLE_ROWS, SAMPLE_COLS));
    }

    /** PNG of the first images of {@code images} above their reconstructions. */
    public byte[] reconstructions(Map<String, OnnxTensor> parameters, ImageSet images) {
        int n = Math.min(RECON_ROWS * RECON_COLS, images.count());
        EvalBatches batches = new EvalBatches(images, n);
        FloatBuffer x = OrtEngine.directFloats((long) n * shape.size());
        batches.fillImages(x, 0, 1);
        float[] inputs = new float[n * shape.size()];
        x.get(0, inputs);
        Map<String, OnnxTensor> feeds = new HashMap<>(OrtEngine.inputsOf(encoder, parameters));
        try (OnnxTensor xt = engine.tensor(x, n, shape.size())) {
            feeds.put("x", xt);
            float[] mu;
            try (OrtSession.Result r = encoder.run(feeds)) {
                mu = Evaluator.floats(r, "mu");
            }
            float[] recon = decode(parameters, mu, n);
            int rows = (n + RECON_COLS - 1) / RECON_COLS;
            return Png.encode(grid.pairs(batch(inputs, n), batch(recon, n), rows, Math.min(n, RECON_COLS)));
        } catch (OrtException e) {
            throw new IllegalStateException("encoding for the reconstruction grid failed: " + e.getMessage(), e);
        }
    }

    private float[] decode(Map<String, OnnxTensor> parameters, float[] z, int n) {
        Map<String, OnnxTensor> feeds = new HashMap<>(OrtEngine.inputsOf(decoder, parameters));
        try (OnnxTensor zt = engine.tensor(z, n, latent)) {
            feeds.put("z", zt);
            try (OrtSession.Result r = decoder.run(feeds)) {
                return Evaluator.floats(r, "mean");
            }
        } catch (OrtException e) {
            throw new IllegalStateException("decoding for a grid failed: " + e.getMessage(), e);
        }
    }

    private ImageBatch batch(float[] pixels, int n) {
        return new ImageBatch(pixels, n, shape.channels(), shape.height(), shape.width());
    }

    @Override
    public void close() {
        try {
            encoder.close();
            decoder.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
