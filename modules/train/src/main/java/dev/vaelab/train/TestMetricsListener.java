package dev.vaelab.train;

import ai.onnxruntime.OrtException;
import java.util.Map;

/**
 * At the end: the test set's ELBO terms ({@code test/elbo}, {@code test/recon_ll},
 * {@code test/kl}); the importance-weighted NLL {@code test/nll_iw} with {@code eval.iw_samples}
 * samples when asked for; and {@code test/bits_per_dim} from the tightest bound computed.
 */
final class TestMetricsListener implements TrainingListener {
    @Override
    public int order() {
        return EVALUATION;
    }

    @Override
    public void onTrainingEnd(TrainingRun run, Map<String, Double> results) {
        var data = run.data();
        var eval = run.experiment().eval();
        var parameters = run.session().parameters();
        try (Evaluator evaluator = new Evaluator(run.engine(), run.graphs(), data.shape().size(), data.numClasses(),
                run.streams())) {
            var test = evaluator.evaluate(data.test(), eval.batchSize(), parameters, "eval-noise");
            results.putAll(test.metrics("test", false));
            double nll = -test.elbo();
            if (eval.iwSamples() > 0) {
                try (var iw = evaluator.importanceWeightSession(run.graphs(), eval.iwSamples())) {
                    nll = evaluator.importanceWeightedNll(data.test(), eval.iwSamples(), parameters, iw);
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
                results.put("test/nll_iw", nll);
            }
            results.put("test/bits_per_dim", nll / (data.shape().size() * Math.log(2)));
        }
    }
}
