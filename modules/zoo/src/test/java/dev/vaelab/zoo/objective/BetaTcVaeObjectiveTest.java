package dev.vaelab.zoo.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vaelab.onnx.autodiff.Autodiff;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The minibatch-weighted decomposition of β-TCVAE, in float64: the three terms sum to the batch's
 * sampled KL, log q(z) matches the estimator written out directly, and two batches where it has a
 * closed form (identical posteriors; posteriors too far apart to overlap) give its exact values.
 */
class BetaTcVaeObjectiveTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /** A batch of M posteriors over L dimensions and one sample z of each. */
    record Batch(int m, int l, double[] z, double[] mu, double[] logvar) {
        static Batch sampled(int m, int l, double[] mu, double[] logvar, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] z = new double[m * l];
            for (int i = 0; i < z.length; i++) {
                z[i] = mu[i] + Math.exp(logvar[i] / 2) * random.nextGaussian();
            }
            return new Batch(m, l, z, mu, logvar);
        }
    }

    private static Map<String, double[]> decompose(Batch b, long datasetSize) {
        Graph g = new Graph(DType.DOUBLE);
        Tensor z = g.input("z", DType.DOUBLE, Shape.of(b.m(), b.l()));
        Tensor mu = g.input("mu", DType.DOUBLE, Shape.of(b.m(), b.l()));
        Tensor logvar = g.input("logvar", DType.DOUBLE, Shape.of(b.m(), b.l()));
        BetaTcVaeObjective.Decomposition d = BetaTcVaeObjective.decompose(g, z, mu, logvar, datasetSize);
        g.output("mi", d.indexCodeMi());
        g.output("tc", d.totalCorrelation());
        g.output("dw", d.dimwiseKl());
        g.output("kl", d.sampledKl());
        return GraphRunner.run(g, Map.of("z", b.z(), "mu", b.mu(), "logvar", b.logvar()));
    }

    private static double logNormal(double z, double mu, double logvar) {
        return -0.5 * (LOG_2PI + logvar + (z - mu) * (z - mu) / Math.exp(logvar));
    }

    private static double[] uniform(SplittableRandom random, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextDouble();
        }
        return v;
    }

    @Test
    void theThreeTermsSumToTheSampledKlAndLogQzIsTheMinibatchWeightedEstimate() {
        int m = 16;
        int l = 4;
        long n = 55_000;
        SplittableRandom random = new SplittableRandom(7);
        Batch b = Batch.sampled(m, l, uniform(random, m * l, -2, 2), uniform(random, m * l, -3, 1), 11);
        Map<String, double[]> out = decompose(b, n);
        for (int i = 0; i < m; i++) {
            // independently: log q(z_i|x_i) - log p(z_i), and the estimator written out as a double sum
            double logQzx = 0;
            double logPz = 0;
            double[] marginal = new double[l];
            double joint = 0;
            for (int d = 0; d < l; d++) {
                logQzx += logNormal(b.z()[i * l + d], b.mu()[i * l + d], b.logvar()[i * l + d]);
                logPz += logNormal(b.z()[i * l + d], 0, 0);
            }
            for (int j = 0; j < m; j++) {
                double product = 1;
                for (int d = 0; d < l; d++) {
                    double density = Math.exp(logNormal(b.z()[i * l + d], b.mu()[j * l + d], b.logvar()[j * l + d]));
                    product *= density;
                    marginal[d] += density;
                }
                joint += product;
            }
            double logQz = Math.log(joint / ((double) n * m));
            double logQzProduct = 0;
            for (int d = 0; d < l; d++) {
                logQzProduct += Math.log(marginal[d] / ((double) n * m));
            }
            double mi = out.get("mi")[i];
            double tc = out.get("tc")[i];
            double dw = out.get("dw")[i];
            assertEquals(logQzx - logPz, out.get("kl")[i], 1e-9, "sampled KL of example " + i);
            assertEquals(out.get("kl")[i], mi + tc + dw, 1e-9, "MI + TC + dimension-wise KL of example " + i);
            assertEquals(logQzx - logQz, mi, 1e-9, "index-code MI of example " + i);
            assertEquals(logQz - logQzProduct, tc, 1e-9, "total correlation of example " + i);
            assertEquals(logQzProduct - logPz, dw, 1e-9, "dimension-wise KL of example " + i);
        }
    }

    @Test
    void identicalPosteriorsGiveMutualInformationLogN() {
        // every q(z|x_j) the same: the weighted estimate of q(z) is q(z|x)/N, so MI = log N and
        // TC = (L - 1)·log N exactly, whatever z is
        int m = 8;
        int l = 3;
        long n = 1000;
        double[] mu = new double[m * l];
        double[] logvar = new double[m * l];
        for (int i = 0; i < m * l; i++) {
            mu[i] = 0.3 * (i % l) - 0.2;
            logvar[i] = -0.5 + 0.25 * (i % l);
        }
        Map<String, double[]> out = decompose(Batch.sampled(m, l, mu, logvar, 3), n);
        for (int i = 0; i < m; i++) {
            assertEquals(Math.log(n), out.get("mi")[i], 1e-9);
            assertEquals((l - 1) * Math.log(n), out.get("tc")[i], 1e-9);
        }
    }

    @Test
    void posteriorsTooFarApartToOverlapLeaveOnlyTheOwnTermOfEachSum() {
        // posteriors that do not overlap in any dimension: only j = i counts in the sums, so
        // log q(z_i) = log q(z_i|x_i) - log(N·M), MI = log(N·M) and TC = (L - 1)·log(N·M). (The true
        // MI of N = M such examples is log N: minibatch-weighted sampling overestimates it by log M
        // here, the known bias of weighing every other example of the batch as 1/(N·M).)
        int m = 6;
        int l = 3;
        long n = 1000;
        double[] mu = new double[m * l];
        double[] logvar = new double[m * l];
        for (int i = 0; i < m; i++) {
            for (int d = 0; d < l; d++) {
                mu[i * l + d] = 40.0 * i - 100 + d;
                logvar[i * l + d] = Math.log(0.01);
            }
        }
        Map<String, double[]> out = decompose(Batch.sampled(m, l, mu, logvar, 5), n);
        double logNm = Math.log((double) n * m);
        for (int i = 0; i < m; i++) {
            assertEquals(logNm, out.get("mi")[i], 1e-9);
            assertEquals((l - 1) * logNm, out.get("tc")[i], 1e-9);
        }
    }

    @Test
    void theWeightedLossDifferentiatesAsItsFiniteDifferences() {
        // α·MI + β·TC + γ·dimwise KL summed over a batch, differentiated by the engine with respect
        // to z, mu and logvar, against central differences of the same float64 graph
        int m = 5;
        int l = 3;
        SplittableRandom random = new SplittableRandom(13);
        Batch b = Batch.sampled(m, l, uniform(random, m * l, -1.5, 1.5), uniform(random, m * l, -1, 0.5), 17);
        Graph g = new Graph(DType.DOUBLE);
        Tensor z = g.input("z", DType.DOUBLE, Shape.of(m, l));
        Tensor mu = g.input("mu", DType.DOUBLE, Shape.of(m, l));
        Tensor logvar = g.input("logvar", DType.DOUBLE, Shape.of(m, l));
        BetaTcVaeObjective.Decomposition d = BetaTcVaeObjective.decompose(g, z, mu, logvar, 200);
        Tensor loss = g.sumAll(g.add(g.add(g.mul(d.indexCodeMi(), 0.7), g.mul(d.totalCorrelation(), 6.0)),
                g.mul(d.dimwiseKl(), 1.3)));
        g.output("loss", loss);
        Map<Tensor, Tensor> grads = Autodiff.gradients(g, loss, List.of(z, mu, logvar));
        grads.forEach((in, grad) -> g.output("d_" + in.name(), grad));
        Map<String, double[]> feeds = new HashMap<>(Map.of("z", b.z(), "mu", b.mu(), "logvar", b.logvar()));
        Map<String, double[]> out = GraphRunner.run(g, feeds);
        double h = 1e-6;
        for (String name : List.of("z", "mu", "logvar")) {
            for (int k = 0; k < m * l; k++) {
                double[] plus = feeds.get(name).clone();
                double[] minus = feeds.get(name).clone();
                plus[k] += h;
                minus[k] -= h;
                Map<String, double[]> up = new HashMap<>(feeds);
                up.put(name, plus);
                Map<String, double[]> down = new HashMap<>(feeds);
                down.put(name, minus);
                double numeric = (GraphRunner.run(g, up).get("loss")[0] - GraphRunner.run(g, down).get("loss")[0]) / (2 * h);
                assertEquals(numeric, out.get("d_" + name)[k], 1e-6 * Math.max(1, Math.abs(numeric)),
                        "d loss / d " + name + "[" + k + "]");
            }
        }
    }
}
