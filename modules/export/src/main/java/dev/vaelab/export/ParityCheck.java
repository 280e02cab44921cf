package dev.vaelab.export;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vaelab.core.random.RandomStreams;
import dev.vaelab.onnx.graph.OnnxModelWriter;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Runs exported files in ONNX Runtime and compares every output with the training-time graphs on
 * the same inputs. The references are what the run itself computed with: the encoder's {@code mu}
 * and {@code logvar} from the evaluation graph (the ELBO terms the training step is built from,
 * with zero noise), the decoder's outputs from the decoder graph, both with the parameters fed as
 * inputs and ORT's optimizations off. The files run with optimizations off and on, since constant
 * folding and fusions over the baked-in parameters are where an export can drift.
 *
 * <p>Relative error of one output: {@code max |file - reference| / max |reference|} over all its
 * values, i.e. the error measured against the output's scale (element-wise ratios are meaningless
 * for values near 0, such as probabilities of background pixels).
 */
public final class ParityCheck {
    /** The largest relative error an exported file may show. */
    public static final double TOLERANCE = 1e-5;

    private final OrtEnvironment env = StrictSessions.environment();

    @Inject
    public ParityCheck() {
    }

    /**
     * Random inputs: {@code count} images of uniform pixels in [0, 1], uniform labels, and latent
     * codes drawn from N(0, 4) so that the decoder also sees the tails of the prior.
     */
    public static ParityInputs randomInputs(ModelCard card, int count, long seed) {
        SplittableRandom random = new RandomStreams(seed).stream("parity");
        float[] images = new float[count * card.imageSize()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextDouble();
        }
        int[] labels = random.ints(count, 0, Math.max(1, card.numClasses())).toArray();
        float[] z = new float[count * card.latentDim()];
        RandomStreams.fillGaussian(random, z);
        for (int i = 0; i < z.length; i++) {
            z[i] *= 2;
        }
        return new ParityInputs("random", count, images,
                card.conditional() ? Optional.of(labels) : Optional.empty(), Optional.of(z));
    }

    /** Compares both files of {@code models} with the references of {@code request} on every input set. */
    public ParityReport compare(ExportRequest request, ExportedModels models, List<ParityInputs> inputSets) {
        List<ParityReport.Comparison> out = new ArrayList<>();
        try {
            byte[] evaluation = OnnxModelWriter.toBytes(request.graphs().evaluationGraph(),
                    OnnxModelWriter.Options.named("parity_reference_evaluation"));
            byte[] decoder = OnnxModelWriter.toBytes(request.graphs().decoderGraph(),
                    OnnxModelWriter.Options.named("parity_reference_decoder"));
            try (OrtSession refEvaluation = StrictSessions.open(evaluation, false);
                 OrtSession refDecoder = StrictSessions.open(decoder, false);
                 OrtSession encOff = StrictSessions.open(models.encoder(), false);
                 OrtSession encOn = StrictSessions.open(models.encoder(), true);
                 OrtSession decOff = StrictSessions.open(models.decoder(), false);
                 OrtSession decOn = StrictSessions.open(models.decoder(), true)) {
                for (ParityInputs in : inputSets) {
                    ModelCard card = request.card();
                    Map<String, float[]> feeds = new HashMap<>(request.parameters());
                    feeds.put("x", in.images());
                    feeds.put("eps", new float[in.count() * card.latentDim()]);
                    in.labels().ifPresent(labels -> feeds.put("y", Labels.oneHot(labels, card.numClasses())));
                    Map<String, float[]> encoded = SessionRuns.run(env, refEvaluation, feeds, in.count());
                    Map<String, float[]> encRef = Map.of("mu", encoded.get("mu"), "logvar", encoded.get("logvar"));
                    compare(Role.ENCODER, encRef, SessionRuns.run(env, encOff, feeds, in.count()), in.name(), false, out);
                    compare(Role.ENCODER, encRef, SessionRuns.run(env, encOn, feeds, in.count()), in.name(), true, out);

                    feeds.put("z", in.z().orElse(encoded.get("mu")));
                    Map<String, float[]> decRef = SessionRuns.run(env, refDecoder, feeds, in.count());
                    compare(Role.DECODER, decRef, SessionRuns.run(env, decOff, feeds, in.count()), in.name(), false, out);
                    compare(Role.DECODER, decRef, SessionRuns.run(env, decOn, feeds, in.count()), in.name(), true, out);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("the parity check could not run a model in ONNX Runtime: " + e.getMessage(), e);
        }
        return new ParityReport(out);
    }

    private static void compare(Role role, Map<String, float[]> reference, Map<String, float[]> exported, String inputs,
                                boolean optimized, List<ParityReport.Comparison> out) {
        if (!reference.keySet().equals(exported.keySet())) {
            throw new IllegalStateException("the exported " + role.wireName() + " has outputs " + exported.keySet()
                    + ", the reference " + reference.keySet());
        }
        reference.forEach((name, ref) -> {
            float[] got = exported.get(name);
            if (got.length != ref.length) {
                throw new IllegalStateException("exported " + role.wireName() + " output " + name + " has "
                        + got.length + " values, the reference " + ref.length);
            }
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < ref.length; i++) {
                scale = Math.max(scale, Math.abs(ref[i]));
                double d = Math.abs((double) got[i] - ref[i]);
                diff = Double.isNaN(d) ? Double.NaN : Math.max(diff, d);
            }
            double relative = scale == 0 ? diff : diff / scale;
            out.add(new ParityReport.Comparison(role, name, inputs, optimized, relative, scale));
        });
    }
}
