package dev.vaelab.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaelab.heads.Float64.In;
import dev.vaelab.heads.Float64.Moments;
import dev.vaelab.onnx.autodiff.Autodiff;
import dev.vaelab.onnx.graph.DType;
import dev.vaelab.onnx.graph.Graph;
import dev.vaelab.onnx.graph.GraphInputParameters;
import dev.vaelab.onnx.graph.Shape;
import dev.vaelab.onnx.graph.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The continuous Bernoulli head against the paper's closed forms written in λ and evaluated here in
 * double precision, at λ = ½ exactly, ½ ± 1e-7, ½ ± 1e-3, both sides of the Taylor window's edge,
 * and λ near 0 and 1 (down to e^-100), at pixels 0 and 1; normalisation and the mean by numerical
 * integration; the sampler's moments; gradients with no NaN anywhere, against finite differences.
 */
class ContinuousBernoulliHeadTest {
    private static final ContinuousBernoulliHead HEAD = new ContinuousBernoulliHead();

    /** The logit of ½ + δ, exactly as far as double allows. */
    private static double logitOfHalfPlus(double delta) {
        return Math.log1p(2 * delta / (0.5 - delta));
    }

    /** Logits covering the window, its edge and the tails. */
    private static double[] logits() {
        double w = ContinuousBernoulliHead.WINDOW;
        return new double[] {0, logitOfHalfPlus(1e-7), logitOfHalfPlus(-1e-7), logitOfHalfPlus(1e-3),
            logitOfHalfPlus(-1e-3), 0.05, w * (1 - 1e-6), -w * (1 - 1e-6), w * (1 + 1e-6), -w * (1 + 1e-6), 0.7, -2.5,
            Math.log(1e-6 / (1 - 1e-6)), -Math.log(1e-6 / (1 - 1e-6)), -27.6, 27.6, -100, 100};
    }

    /** λ and 1 - λ from a logit, each computed without cancellation. */
    private static double lambda(double l) {
        return 1 / (1 + Math.exp(-l));
    }

    /**
     * log C(λ) with C(λ) = 2 artanh(1-2λ)/(1-2λ), 2 at λ = ½, using C(λ) = C(1-λ) to work with the
     * smaller of the two, and artanh(y) = ½ log((1+y)/(1-y)) = ½ log1p(y/λ) for y = 1-2λ.
     */
    static double logC(double l) {
        double lo = lambda(-Math.abs(l)); // min(λ, 1-λ)
        double hi = lambda(Math.abs(l));
        double y = hi - lo; // |1 - 2λ|
        if (y == 0) {
            return Math.log(2);
        }
        return Math.log(Math.log1p(y / lo) / y);
    }

    /** log p(x|λ) = x log λ + (1-x) log(1-λ) + log C(λ). */
    static double logDensity(double x, double l) {
        double logLambda = -Math.log1p(Math.exp(-l));
        double logOneMinus = -Math.log1p(Math.exp(l));
        if (l > 30) {
            logLambda = -Math.exp(-l);
        } else if (l < -30) {
            logOneMinus = -Math.exp(l);
        }
        return x * logLambda + (1 - x) * logOneMinus + logC(l);
    }

    /** The paper's mean λ/(2λ-1) + 1/(2 artanh(1-2λ)), by symmetry on the smaller side; ½ at λ = ½. */
    static double closedFormMean(double l) {
        if (l == 0) {
            return 0.5;
        }
        double lo = lambda(-Math.abs(l));
        double y = lambda(Math.abs(l)) - lo;
        double mean = -lo / y + 1 / Math.log1p(y / lo); // for λ = lo: 2λ - 1 = -y, 2 artanh(y) = log1p(y/λ)
        return l > 0 ? 1 - mean : mean;
    }

    private static Map<String, double[]> evaluate(double[] l, double[] x) {
        Graph g = new Graph(DType.DOUBLE);
        Tensor lt = g.input("l", DType.DOUBLE, Shape.of(Shape.BATCH, 1));
        Tensor xt = g.input("x", DType.DOUBLE, Shape.of(Shape.BATCH, 1));
        GraphInputParameters params = new GraphInputParameters(g, "");
        g.output("ll", HEAD.logLikelihood(g, params, lt, xt));
        HEAD.outputs(g, params, lt).forEach(g::output);
        return Float64.run(g, Map.of("l", new In(l, l.length, 1), "x", new In(x, x.length, 1)));
    }

    @Test
    void logDensityMatchesTheClosedFormAtEveryEdge() {
        double[] ls = logits();
        double[] pixels = {0, 1, 0.5, 0.13};
        double[] l = new double[ls.length * pixels.length];
        double[] x = new double[l.length];
        for (int i = 0; i < ls.length; i++) {
            for (int j = 0; j < pixels.length; j++) {
                l[i * pixels.length + j] = ls[i];
                x[i * pixels.length + j] = pixels[j];
            }
        }
        double[] ll = evaluate(l, x).get("ll");
        for (int i = 0; i < l.length; i++) {
            double expected = logDensity(x[i], l[i]);
            assertEquals(expected, ll[i], 1e-12 * Math.max(1, Math.abs(expected)),
                    "log p(x = " + x[i] + " | logit " + l[i] + ", λ = " + lambda(l[i]) + ")");
        }
    }

    @Test
    void theNormaliserIsTwoAtOneHalfAndContinuousAcrossTheWindowEdge() {
        double w = ContinuousBernoulliHead.WINDOW;
        double[] l = {0, w * (1 - 1e-13), w * (1 + 1e-13), -w * (1 - 1e-13), -w * (1 + 1e-13)};
        double[] ll = evaluate(l, new double[] {0, 0, 0, 0, 0}).get("ll");
        // at x = 0: log p = -softplus(l) + log C, so log C = ll + softplus(l)
        assertEquals(Math.log(2), ll[0] + Math.log(2), 0.0, "log C(½) = log 2");
        // the two points are 4e-14 apart and log C has slope l/6 there: they must agree to ~1e-15
        assertEquals(ll[1] + Math.log1p(Math.exp(l[1])), ll[2] + Math.log1p(Math.exp(l[2])), 1e-14,
                "series and closed form meet at the window's edge");
        assertEquals(ll[3] + Math.log1p(Math.exp(l[3])), ll[4] + Math.log1p(Math.exp(l[4])), 1e-14);
    }

    @Test
    void theDensityIntegratesToOneAndItsMeanIsTheIntegralOfX() {
        double[] ls = {0, 1e-7, 0.1, -0.19, 0.21, 0.7, -3, 8, -27.6, 30};
        int intervals = 2000;
        double[] grid = new double[intervals + 1];
        for (int i = 0; i <= intervals; i++) {
            grid[i] = (double) i / intervals;
        }
        for (double logit : ls) {
            double[] l = new double[grid.length];
            java.util.Arrays.fill(l, logit);
            Map<String, double[]> got = evaluate(l, grid);
            double[] ll = got.get("ll");
            double mass = Float64.simpson(t -> Math.exp(ll[(int) Math.round(t * intervals)]), 0, 1, intervals);
            double first = Float64.simpson(t -> t * Math.exp(ll[(int) Math.round(t * intervals)]), 0, 1, intervals);
            assertEquals(1.0, mass, 1e-8, "∫ p(x) dx at logit " + logit);
            assertEquals(first, got.get("mean")[0], 1e-8, "mean against ∫ x p(x) dx at logit " + logit);
        }
    }

    @Test
    void theMeanMatchesThePapersClosedFormAndIsOneHalfAtOneHalf() {
        double[] ls = logits();
        Map<String, double[]> got = evaluate(ls, new double[ls.length]);
        for (int i = 0; i < ls.length; i++) {
            double expected = closedFormMean(ls[i]);
            // the reference itself cancels two terms of size 1/(4|λ - ½|) near ½
            double tolerance = 1e-13 + 1e-16 / Math.max(Math.abs(lambda(ls[i]) - 0.5), 1e-300);
            assertEquals(expected, got.get("mean")[i], Math.min(tolerance, 1e-8), "mean at logit " + ls[i]);
            assertEquals(ls[i], got.get("logits")[i], 0.0);
        }
        assertEquals(0.5, got.get("mean")[0], 0.0);
    }

    @Test
    void theSamplerHasTheFirstTwoMoments() {
        double[] ls = {0, 0.005, -0.005, 0.5, -3, 12};
        int draws = 40_000;
        Graph g = new Graph(DType.DOUBLE);
        Tensor lt = g.input("l", DType.DOUBLE, Shape.of(1, ls.length));
        Tensor u = g.input("u", DType.DOUBLE, Shape.of(Shape.BATCH, ls.length));
        g.output("x", HEAD.sample(g, new GraphInputParameters(g, ""), lt, new SampleNoise(u, u)));
        double[] samples = Float64.run(g, Map.of("l", new In(ls, 1, ls.length),
                "u", new In(Float64.uniforms(new SplittableRandom(5), draws * ls.length), draws, ls.length))).get("x");
        for (double s : samples) {
            assertTrue(s >= 0 && s <= 1, "sample outside [0, 1]: " + s);
        }
        for (int d = 0; d < ls.length; d++) {
            double l = ls[d];
            double c = Math.exp(logC(l));
            double lam = lambda(l);
            java.util.function.DoubleUnaryOperator p = t -> c * Math.exp(t * Math.log(lam) + (1 - t) * Math.log1p(-lam));
            double mean = Float64.simpson(t -> t * p.applyAsDouble(t), 0, 1, 4000);
            double variance = Float64.simpson(t -> (t - mean) * (t - mean) * p.applyAsDouble(t), 0, 1, 4000);
            Moments m = Moments.ofColumn(samples, ls.length, d);
            assertEquals(mean, m.mean(), m.meanTolerance(variance, draws), "sample mean at logit " + l);
            assertEquals(variance, m.variance(), m.varianceTolerance(variance, draws), "sample variance at logit " + l);
        }
    }

    @Test
    void gradientsAreFiniteEverywhereAndMatchFiniteDifferences() {
        double w = ContinuousBernoulliHead.WINDOW;
        double[] l = {0, 1e-7, -1e-7, 0.05, w * 0.999, -w * 1.001, 0.7, -4, 30, -60, 200};
        double[] x = {0, 1, 0.3, 0.5, 1, 0, 0.9, 0.2, 1, 0, 0.5};
        Graph g = new Graph(DType.DOUBLE);
        Tensor lt = g.input("l", DType.DOUBLE, Shape.of(1, l.length));
        Tensor xt = g.input("x", DType.DOUBLE, Shape.of(1, l.length));
        Tensor loss = g.sumAll(HEAD.logLikelihood(g, new GraphInputParameters(g, ""), lt, xt));
        g.output("loss", loss);
        g.output("grad", Autodiff.gradients(g, loss, List.of(lt)).get(lt));
        Map<String, In> feeds = new HashMap<>(Map.of("l", new In(l, 1, l.length), "x", new In(x, 1, l.length)));
        try (Float64.Session s = new Float64.Session(g)) {
            double[] analytic = s.run(feeds).get("grad");
            double[] numeric = Float64.finiteDifferences(s, feeds, "l", "loss", 1e-7);
            for (int i = 0; i < l.length; i++) {
                assertTrue(Double.isFinite(analytic[i]), "gradient at logit " + l[i] + ": " + analytic[i]);
                assertEquals(numeric[i], analytic[i], 1e-6, "d log p / d l at logit " + l[i]);
            }
            // at l = 0 the normaliser is flat, so the gradient is the Bernoulli part x - ½
            assertEquals(x[0] - 0.5, analytic[0], 1e-15);
        }
    }

    @Test
    void inSinglePrecisionAsTrainingRunsValuesStayAccurateAndGradientsFinite() {
        double[] ls = logits();
        double[] x = new double[ls.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 0.37;
        }
        Graph g = new Graph(DType.FLOAT);
        Tensor l = g.cast(g.input("l", DType.DOUBLE, Shape.of(1, ls.length)), DType.FLOAT);
        Tensor xt = g.cast(g.input("x", DType.DOUBLE, Shape.of(1, ls.length)), DType.FLOAT);
        GraphInputParameters params = new GraphInputParameters(g, "");
        // per-pixel values: one pixel per example, so the sum over pixels is the pixel itself
        Tensor lCol = g.reshape(l, Shape.of(ls.length, 1));
        Tensor xCol = g.reshape(xt, Shape.of(ls.length, 1));
        Tensor ll = HEAD.logLikelihood(g, params, lCol, xCol);
        g.output("ll", g.cast(ll, DType.DOUBLE));
        g.output("mean", g.cast(ContinuousBernoulliHead.mean(g, lCol), DType.DOUBLE));
        g.output("grad", g.cast(Autodiff.gradients(g, g.sumAll(ll), List.of(lCol)).get(lCol), DType.DOUBLE));
        Map<String, double[]> got = Float64.run(g, Map.of("l", new In(ls, 1, ls.length), "x", new In(x, 1, ls.length)));
        for (int i = 0; i < ls.length; i++) {
            double lf = (float) ls[i]; // the logit as single precision holds it
            double expected = logDensity(x[i], lf);
            assertEquals(expected, got.get("ll")[i], 2e-6 * Math.max(1, Math.abs(expected)), "float32 log p at logit " + lf);
            assertEquals(closedFormMean(lf), got.get("mean")[i], 2e-6, "float32 mean at logit " + lf);
            assertTrue(Double.isFinite(got.get("grad")[i]), "float32 gradient at logit " + lf + ": " + got.get("grad")[i]);
        }
    }
}
